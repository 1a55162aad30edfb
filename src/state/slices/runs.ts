/**
 * Runs slice (issue 7.1/7.2): the recorded runs (src/state/runs/record.ts) of this and earlier
 * sessions, persisted in IndexedDB when the page has it (ctx.runsDb), with the table's sort and
 * selection. `watchRuns` subscribes to the merge and train slices and records each run once, when
 * it is finished: a merge of a suite once its evaluation is done, a merge of loaded models at once,
 * a training run when it lands. Records are plain data; nothing here holds engine handles.
 */
import type { StoreApi } from 'zustand/vanilla';
import { asErrorInfo, type ErrorInfo } from '../../worker/api';
import type { RecordProblem, RunsDb } from '../runs/db';
import { mergeRecord, trainRecord, type RunInput, type RunRecord } from '../runs/record';
import type { SortDir } from '../runs/table';
import type { LabState, SliceCreator } from './types';

export interface RunsSlice {
  runs: {
    /** 'memory': no IndexedDB here, records last until the page closes. */
    status: 'loading' | 'ready' | 'memory' | 'error';
    records: RunRecord[];
    /** Stored values that are not readable records (reported, left in place until deleted). */
    problems: RecordProblem[];
    error: ErrorInfo | null;
    selected: string[];
    sort: { column: string; dir: SortDir };
  };
  /** Opens the database and loads the stored runs (the page calls it once at start). */
  loadRuns(): Promise<void>;
  addRecord(record: RunRecord): Promise<void>;
  /** Deletes a record, or a stored value that is not one (by its key). */
  deleteRun(id: string): Promise<void>;
  clearRuns(): Promise<void>;
  toggleRunSelected(id: string): void;
  selectAllRuns(all: boolean): void;
  /** Sorts by a column; the same column again flips the direction. */
  sortRunsBy(column: string): void;
}

const newId = () => `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export const createRunsSlice: SliceCreator<RunsSlice> = (set, get, ctx) => {
  let db: RunsDb | null = null;
  const patch = (p: Partial<RunsSlice['runs']>) => set((s) => ({ runs: { ...s.runs, ...p } }));
  const failed = (e: unknown) => patch({ error: asErrorInfo(e) });

  return {
    runs: { status: ctx.runsDb ? 'loading' : 'memory', records: [], problems: [], error: null, selected: [], sort: { column: 'createdAt', dir: 'asc' } },

    async loadRuns() {
      if (!ctx.runsDb) return;
      try {
        db = await ctx.runsDb();
        const { records, problems } = await db.load();
        // Runs recorded while the database was opening come after the stored ones.
        set((s) => ({ runs: { ...s.runs, status: 'ready', records: [...records, ...s.runs.records.filter((r) => !records.some((x) => x.id === r.id))], problems } }));
        await Promise.all(get().runs.records.filter((r) => !records.includes(r)).map((r) => db!.put(r)));
      } catch (e) {
        patch({ status: 'error', error: { ...asErrorInfo(e), hint: 'Runs are kept for this page only. Private windows and some browsers disable IndexedDB.' } });
      }
    },

    async addRecord(record) {
      patch({ records: [...get().runs.records, record] });
      try { await db?.put(record); } catch (e) { failed(e); }
    },

    async deleteRun(id) {
      const { records, problems, selected } = get().runs;
      patch({ records: records.filter((r) => r.id !== id), problems: problems.filter((p) => p.key !== id), selected: selected.filter((x) => x !== id) });
      try { await db?.delete(id); } catch (e) { failed(e); }
    },

    async clearRuns() {
      patch({ records: [], problems: [], selected: [] });
      try { await db?.clear(); } catch (e) { failed(e); }
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
  const known = [...s.runs.records].reverse().find((r) => r.kind === 'merge' && r.suite === suite && r.inputs.length > 0);
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
