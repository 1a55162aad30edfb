/**
 * Runs slice: the recorded runs (src/state/runs/record.ts) of this and earlier
 * sessions, persisted in IndexedDB when the page has it (ctx.runsDb), with the table's sort and
 * selection. `watchRuns` subscribes to the merge and train slices and records each run once, when
 * it is finished: a merge of a suite once its evaluation is done, a merge of loaded models at once,
 * a training run when it lands. Records are plain data; nothing here holds engine handles.
 *
 * The table shows the database, not hopes about it: a new run is listed once its write committed
 * (until then it waits in `saving`), a deleted or cleared run disappears once the delete committed
 * (until then its id is in `deleting`). A reload right after any change therefore shows the same
 * list. A write that fails is reported and the run stays listed for this page, so nothing is lost.
 */
import type { StoreApi } from 'zustand/vanilla';
import { asErrorInfo, type ErrorInfo } from '../../worker/api';
import type { RecordProblem, RunsDb } from '../runs/db';
import { mergeRecord, trainRecord, type RunInput, type RunRecord } from '../runs/record';
import type { SortDir } from '../runs/table';
import type { LabState, SliceCreator } from './lab-state';

export interface RunsSlice {
  runs: {
    /** 'memory': no IndexedDB here, records last until the page closes. */
    status: 'loading' | 'ready' | 'memory' | 'error';
    /** What the database holds (plus, after a failed write, runs kept for this page only). */
    records: RunRecord[];
    /** Finished runs whose write has not committed yet (listed once it has). */
    saving: RunRecord[];
    /** Ids (records or problem keys) whose delete has not committed yet; every listed id while a clear runs. */
    deleting: string[];
    /** Stored values that are not readable records (reported, left in place until deleted). */
    problems: RecordProblem[];
    error: ErrorInfo | null;
    selected: string[];
    sort: { column: string; dir: SortDir };
  };
  /** Opens the database and loads the stored runs (the page calls it once at start). */
  loadRuns(): Promise<void>;
  /** Stores a finished run; resolves once it is listed (committed, or kept for this page after a failed write). */
  addRecord(record: RunRecord): Promise<void>;
  /** Deletes a record, or a stored value that is not one (by its key); resolves once committed. */
  deleteRun(id: string): Promise<void>;
  /** Deletes every stored run; resolves once committed. */
  clearRuns(): Promise<void>;
  toggleRunSelected(id: string): void;
  selectAllRuns(all: boolean): void;
  /** Sorts by a column; the same column again flips the direction. */
  sortRunsBy(column: string): void;
}

const newId = () => `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export const createRunsSlice: SliceCreator<RunsSlice> = (set, get, ctx) => {
  let db: RunsDb | null = null;
  /** Bumped by every clear: a write that began before the latest clear was wiped by it. */
  let clears = 0;
  const patch = (p: Partial<RunsSlice['runs']> | ((r: RunsSlice['runs']) => Partial<RunsSlice['runs']>)) =>
    set((s) => ({ runs: { ...s.runs, ...(typeof p === 'function' ? p(s.runs) : p) } }));
  const failed = (e: unknown, what: string) => {
    const info = asErrorInfo(e);
    patch({ error: { ...info, message: `${what}: ${info.message}`, hint: info.hint || 'It stays listed for this page only; export it (Results JSON) to keep it. Free some storage, or check that this site may store data.' } });
  };

  /** Writes one run and lists it once committed (or, when the write fails, for this page only). */
  const save = async (record: RunRecord) => {
    const clearsBefore = clears;
    let ok = true;
    try { await db!.put(record); } catch (e) { ok = false; failed(e, `Run "${record.label}" could not be saved in this browser`); }
    patch((r) => ({
      saving: r.saving.filter((x) => x.id !== record.id),
      // A clear issued after this write began removed it again: it is not listed.
      records: ok && clears !== clearsBefore ? r.records : [...r.records, record],
    }));
  };

  return {
    runs: { status: ctx.runsDb ? 'loading' : 'memory', records: [], saving: [], deleting: [], problems: [], error: null, selected: [], sort: { column: 'createdAt', dir: 'asc' } },

    async loadRuns() {
      if (!ctx.runsDb) return;
      try {
        const opened = await ctx.runsDb();
        const { records, problems } = await opened.load();
        db = opened;
        patch((r) => ({ status: 'ready', records: [...records, ...r.records], problems }));
      } catch (e) {
        patch((r) => ({ status: 'error', records: [...r.records, ...r.saving], saving: [], error: { ...asErrorInfo(e), hint: 'Runs are kept for this page only. Private windows and some browsers disable IndexedDB.' } }));
        return;
      }
      // Runs recorded while the database was opening are written now, after the stored ones.
      await Promise.all(get().runs.saving.map(save));
    },

    async addRecord(record) {
      const { status } = get().runs;
      if (status === 'memory' || status === 'error') return patch((r) => ({ records: [...r.records, record] }));
      patch((r) => ({ saving: [...r.saving, record] }));
      if (status === 'ready') await save(record); // while loading, loadRuns writes it
    },

    async deleteRun(id) {
      patch((r) => ({ deleting: [...r.deleting, id] }));
      try {
        await db?.delete(id);
      } catch (e) {
        failed(e, 'The run could not be deleted');
        return patch((r) => ({ deleting: r.deleting.filter((x) => x !== id), error: { ...r.error!, hint: 'It is still stored. Try again, or reload the page.' } }));
      }
      patch((r) => ({
        records: r.records.filter((x) => x.id !== id), problems: r.problems.filter((p) => p.key !== id),
        selected: r.selected.filter((x) => x !== id), deleting: r.deleting.filter((x) => x !== id),
      }));
    },

    async clearRuns() {
      clears++;
      const listed = [...get().runs.records.map((r) => r.id), ...get().runs.problems.map((p) => p.key)];
      patch((r) => ({ deleting: [...new Set([...r.deleting, ...listed])] }));
      try {
        await db?.clear();
      } catch (e) {
        failed(e, 'The runs could not be cleared');
        return patch((r) => ({ deleting: r.deleting.filter((x) => !listed.includes(x)), error: { ...r.error!, hint: 'They are still stored. Try again, or reload the page.' } }));
      }
      // Runs listed after the clear began (their write committed after it) stay.
      patch((r) => ({
        records: r.records.filter((x) => !listed.includes(x.id)), problems: r.problems.filter((p) => !listed.includes(p.key)),
        selected: r.selected.filter((x) => !listed.includes(x)), deleting: r.deleting.filter((x) => !listed.includes(x)),
      }));
    },

    toggleRunSelected(id) {
      const { selected } = get().runs;
      patch({ selected: selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id] });
    },

    selectAllRuns(all) {
      patch({ selected: all ? get().runs.records.map((r) => r.id) : [] });
    },

    sortRunsBy(column) {
      const { sort } = get().runs;
      patch({ sort: { column, dir: sort.column === column && sort.dir === 'asc' ? 'desc' : 'asc' } });
    },
  };
};

/** The suite's models as run inputs: a recorded merge of the same suite has their sizes and fingerprints. */
function suiteInputs(s: LabState, suite: string): { list: RunInput[]; fingerprintKind: string | null } {
  const known = [...s.runs.records, ...s.runs.saving].reverse().find((r) => r.kind === 'merge' && r.suite === suite && r.inputs.length > 0);
  if (known) return { list: known.inputs, fingerprintKind: known.fingerprintKind };
  const info = s.suite.info;
  if (!info || info.name !== suite) return { list: [], fingerprintKind: null };
  const list: RunInput[] = [
    { role: 'pretrained', name: info.pretrained.name, bytes: info.pretrained.summary.fileBytes, fingerprint: null },
    ...info.experts.map((e): RunInput => ({ role: 'expert', name: e.name, bytes: null, fingerprint: null })),
  ];
  return { list, fingerprintKind: null };
}

/** Records every finished merge and training run of the store once; returns the unsubscribe. */
export function watchRuns(store: StoreApi<LabState>): () => void {
  // Keys are marked before addRecord runs: its set() re-enters this listener synchronously.
  const seen = new Set<string>();
  return store.subscribe((s) => {
    const ctx = () => ({ id: newId(), backend: s.backend.choice?.backend ?? 'unknown', createdAt: new Date() });
    for (const run of s.merge.runs) {
      const finished = run.merged.suiteId === null || run.report.status === 'done';
      if (!finished || seen.has(run.key)) continue;
      seen.add(run.key);
      const report = run.report.status === 'done' ? run.report.result : null;
      void s.addRecord(mergeRecord(run, report, report?.suite ?? null, ctx()));
    }
    for (const run of s.train.runs) {
      if (seen.has(run.key)) continue;
      seen.add(run.key);
      const suite = run.result.report.suite;
      // The train slice sends no seed, so the worker trains with its default, 0; the preset is the panel's.
      void s.addRecord(trainRecord(run, { seed: 0, preset: s.train.preset }, suiteInputs(s, suite), ctx()));
    }
  });
}
