/**
 * From a PyTorch pickle's named tensors to what layout detection expects: finds where the vision
 * tower sits (a task_vectors ImageEncoder keeps open_clip's under "model.visual.", a checkpoint
 * under "state_dict.", DDP under "module."), strips that prefix, drops everything outside it with a
 * note, and reads what shapes cannot tell (heads, activation, LayerNorm eps) from the pickled
 * modules' attributes when the pickle is a whole module tree.
 */
import { CheckpointError } from '../../errors';
import type { PickleStore } from '../../io/pickle/torch-file';
import { PyDict, type PyObject } from '../../io/pickle/values';
import type { TensorInfo, TensorStore } from '../../io/safetensors';
import type { ClipVisionConfig } from './config';

/** Stored names that mark the vision tower's start: open_clip, then Hugging Face, then unprefixed. */
const ANCHORS = [
  { name: 'visual.conv1.weight', tower: 'visual' },
  { name: 'vision_model.embeddings.patch_embedding.weight', tower: 'vision_model' },
];
const BARE_ANCHORS = ['conv1.weight', 'embeddings.patch_embedding.weight'];

export interface ConfigHints {
  values: Partial<Pick<ClipVisionConfig, 'numHeads' | 'hiddenAct' | 'layerNormEps'>>;
  notes: string[];
}

export interface Unwrapped {
  store: TensorStore;
  notes: string[];
  hints: ConfigHints | null;
}

function findPrefix(file: string, names: readonly string[]): { prefix: string; tower: string } {
  const found = new Map<string, string>();
  for (const { name: anchor, tower } of ANCHORS) {
    for (const n of names) if (n === anchor || n.endsWith(`.${anchor}`)) found.set(n.slice(0, n.length - anchor.length), tower);
  }
  if (found.size === 0) {
    for (const anchor of BARE_ANCHORS) for (const n of names) if (n === anchor || n.endsWith(`.${anchor}`)) found.set(n.slice(0, n.length - anchor.length), '');
  }
  if (found.size > 1) {
    throw new CheckpointError(file, `holds ${found.size} vision towers (under ${[...found.keys()].map((p) => `"${p || '(top level)'}"`).join(', ')}).`,
      'Save one model per file: torch.save(model.state_dict(), path) for the model you mean.');
  }
  const [[prefix, tower] = ['', '']] = [...found];
  return { prefix, tower };
}

const num = (o: PyObject, key: string) => {
  const v = o.state instanceof PyDict ? o.state.map.get(key) : undefined;
  return typeof v === 'number' ? v : undefined;
};

function readHints(store: PickleStore, towerPath: string): ConfigHints | null {
  const values: ConfigHints['values'] = {};
  const notes: string[] = [];
  for (const [path, mod] of store.walked.modules) {
    if (!(path === towerPath || path.startsWith(`${towerPath}.`))) continue;
    const cls = mod.cls.full;
    const heads = num(mod, 'num_heads');
    if (values.numHeads === undefined && heads !== undefined && Number.isSafeInteger(heads) && heads > 0) {
      values.numHeads = heads;
      notes.push(`num_attention_heads ${heads} read from the pickled ${cls} ("${path}.num_heads").`);
    }
    const last = mod.cls.name;
    if (values.hiddenAct === undefined && /QuickGELU/i.test(last)) {
      values.hiddenAct = 'quick_gelu';
      notes.push(`hidden_act quick_gelu read from the pickled module class ${cls}.`);
    } else if (values.hiddenAct === undefined && /^GELU(Activation)?$/.test(last)) {
      const approx = mod.state instanceof PyDict ? mod.state.map.get('approximate') : undefined;
      if (approx === undefined || approx === 'none') {
        values.hiddenAct = 'gelu';
        notes.push(`hidden_act gelu (exact) read from the pickled module class ${cls}.`);
      }
    }
    const eps = num(mod, 'eps');
    if (values.layerNormEps === undefined && /LayerNorm$/.test(last) && eps !== undefined && eps > 0) {
      values.layerNormEps = eps;
      notes.push(`layer_norm_eps ${eps} read from the pickled ${cls} ("${path}.eps").`);
    }
  }
  return notes.length ? { values, notes } : null;
}

const isPickleStore = (s: TensorStore): s is PickleStore => 'walked' in s;

/** Strips the prefix above the vision tower; the summary note says what was read and ignored. */
export function unwrapPickle(store: TensorStore, file: string): Unwrapped {
  const names = [...store.tensors.keys()];
  const { prefix, tower } = findPrefix(file, names);
  const tensors = new Map<string, TensorInfo>();
  const outside: string[] = [];
  for (const n of names) {
    if (n.startsWith(prefix)) tensors.set(n.slice(prefix.length), { ...store.tensors.get(n)!, name: n.slice(prefix.length) });
    else outside.push(n);
  }
  const pickle = isPickleStore(store) ? store : null;
  const what = pickle ? `${pickle.format === 'zip' ? 'zip format' : 'legacy pre-1.6 format'}, ${pickle.walked.root}` : 'sharded state dict';
  const parts = [`PyTorch pickle, read without executing code (${what}): ${names.length} tensors found`];
  if (prefix) parts.push(`the vision tower's parameters sit under "${prefix}" (prefix removed)`);
  if (outside.length) parts.push(`ignored ${outside.length} tensor${outside.length > 1 ? 's' : ''} outside "${prefix}": ${outside.slice(0, 8).join(', ')}${outside.length > 8 ? ', …' : ''}`);
  if (pickle?.records.size) {
    const classes = [...pickle.records.keys()];
    parts.push(`${classes.length} class${classes.length > 1 ? 'es' : ''} kept as inert records, never called: ${classes.slice(0, 6).join(', ')}${classes.length > 6 ? ', …' : ''}`);
  }
  const inner: TensorStore = {
    name: store.name,
    tensors,
    metadata: store.metadata,
    size: store.size,
    read: (n) => store.read(prefix + n),
    ...(store.readInto ? { readInto: (n: string, into: Float32Array) => store.readInto!(prefix + n, into) } : {}),
  };
  const hints = pickle && tower ? readHints(pickle, prefix + tower) : null;
  const summary = parts.join('; ');
  return { store: inner, notes: [summary.endsWith('…') ? summary : `${summary}.`], hints };
}

/** Config notes of shape inference that a hint replaces (infer-config.ts words them so). */
export const HINTED_NOTE: Readonly<Record<keyof ConfigHints['values'], string>> = {
  numHeads: 'num_attention_heads cannot',
  hiddenAct: 'hidden_act cannot',
  layerNormEps: 'layer_norm_eps assumed',
};
