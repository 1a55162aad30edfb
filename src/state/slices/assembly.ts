/**
 * Assembly slice: a drop without manifest.json (a pretrained CLIPModel folder, expert folders and
 * test data, or one parent folder holding them) becomes a suite the user checks and fixes in a
 * table (assemble-suite.ts does the matching), then opens exactly as a suite folder with a
 * manifest: the generated manifest.json joins the dropped files as one more (virtual) file. The
 * same manifest can be saved, so the folder opens directly next time.
 */
import { asErrorInfo, type ErrorInfo } from '../../worker/api';
import { type Assembly, type AssemblyFixes, assembleSuite, configPaths } from '../assemble-suite';
import type { PickedFile } from '../group-files';
import type { SliceCreator } from './lab-state';

/** config.json files larger than this are not model configs (they are read whole). */
const MAX_CONFIG_BYTES = 1 << 20;
/** The parent the files are put under when folders were dropped side by side (the suite needs one folder). */
export const ASSEMBLED_PARENT = 'assembled';

export interface AssemblySlice {
  assembly: {
    status: 'idle' | 'reading' | 'ready' | 'error';
    /** The dropped files, as dropped (File handles: read lazily by the worker). */
    files: PickedFile[];
    /** Each config.json's parsed content by path (undefined: not valid JSON). */
    configs: Record<string, unknown>;
    fixes: AssemblyFixes;
    result: Assembly | null;
    error: ErrorInfo | null;
  };
  /** A drop or pick for the suite panel: a folder with manifest.json opens as a suite, anything else is assembled. */
  openSuiteDrop(files: PickedFile[]): Promise<void>;
  /** Reads the dropped models' config.json files and matches everything to tasks. */
  assemble(files: PickedFile[]): Promise<void>;
  /** Gives a folder a task (the select of an unmatched row). */
  assignTask(folder: string, task: string): void;
  /** Leaves a task out of the suite. */
  dropTask(task: string): void;
  choosePretrained(folder: string): void;
  /** Opens the assembled suite in the engine (heads are built there, with progress and Cancel). */
  useAssembly(): Promise<void>;
  /** manifest.json of the assembly (paths relative to the dropped parent), for Save suite; null while incomplete. */
  assembledManifestText(): string | null;
  clearAssembly(): void;
}

const IDLE: AssemblySlice['assembly'] = { status: 'idle', files: [], configs: {}, fixes: {}, result: null, error: null };

async function readConfigs(files: readonly PickedFile[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const wanted = new Set(configPaths(files.map((f) => f.path)));
  for (const f of files) {
    if (!wanted.has(f.path)) continue;
    try {
      out[f.path] = f.blob.size > MAX_CONFIG_BYTES ? undefined : JSON.parse(await f.blob.text());
    } catch {
      out[f.path] = undefined; // assembleSuite names it as not valid JSON
    }
  }
  return out;
}

export const createAssemblySlice: SliceCreator<AssemblySlice> = (set, get) => {
  const redo = (fixes: AssemblyFixes) => {
    const a = get().assembly;
    if (a.status !== 'ready') return;
    const result = assembleSuite(a.files.map((f) => f.path), new Map(Object.entries(a.configs)), fixes);
    set({ assembly: { ...a, fixes, result } });
  };
  const manifestOf = (): { text: string; result: Assembly } | null => {
    const result = get().assembly.result;
    return result?.manifest ? { text: `${JSON.stringify(result.manifest, null, 2)}\n`, result } : null;
  };

  return {
    assembly: IDLE,

    async openSuiteDrop(files) {
      if (files.some((f) => f.path === 'manifest.json' || f.path.endsWith('/manifest.json'))) {
        set({ assembly: IDLE });
        await get().loadSuite(files);
      } else await get().assemble(files);
    },

    async assemble(files) {
      set({ assembly: { ...IDLE, status: 'reading', files } });
      try {
        const configs = await readConfigs(files);
        const result = assembleSuite(files.map((f) => f.path), new Map(Object.entries(configs)));
        set({ assembly: { status: 'ready', files, configs, fixes: {}, result, error: null } });
      } catch (e) {
        set({ assembly: { ...IDLE, status: 'error', files, error: asErrorInfo(e) } });
      }
    },

    assignTask(folder, task) {
      const { fixes } = get().assembly;
      redo({ ...fixes, assign: { ...fixes.assign, [folder]: task } });
    },

    dropTask(task) {
      const { fixes } = get().assembly;
      redo({ ...fixes, dropped: [...(fixes.dropped ?? []), task] });
    },

    choosePretrained(folder) {
      redo({ ...get().assembly.fixes, pretrained: folder });
    },

    async useAssembly() {
      const m = manifestOf();
      if (!m) return;
      const { files } = get().assembly;
      // One folder holds the suite: the dropped parent, or a made-up one around folders dropped side by side.
      const parent = m.result.root || ASSEMBLED_PARENT;
      const under = m.result.root ? files : files.map((f) => ({ path: `${parent}/${f.path.replace(/^\/+/, '')}`, blob: f.blob }));
      const manifest = { path: `${parent}/manifest.json`, blob: new Blob([m.text], { type: 'application/json' }) };
      await get().loadSuite([...under, manifest], parent);
    },

    assembledManifestText: () => manifestOf()?.text ?? null,

    clearAssembly() {
      set({ assembly: IDLE });
    },
  };
};
