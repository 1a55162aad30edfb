/**
 * Which files of a model folder hold the weights, shared by the vision and text towers: a sharded
 * index (`model.safetensors.index.json` or `pytorch_model.bin.index.json`) with its shards, else one
 * .safetensors file (`model.safetensors` & co. preferred when there are several), else one PyTorch
 * pickle (`pytorch_model.bin` & co.). Pickles pass through the tower's `unwrap`, which finds where
 * the tower sits inside the pickled object. Unused weight files are reported as notes.
 */
import { CheckpointError } from '../errors';
import { listed, quote } from '../io/bounded';
import type { ByteSource } from '../io/byte-source';
import { openPytorch } from '../io/pickle/torch-file';
import { openSafetensors, type TensorStore } from '../io/safetensors';
import { baseName, openSharded } from '../io/sharded';

const TORCH_EXT = /\.(bin|pt|pth|ckpt)$/i;
/** Weight file names that are used when a folder has several .safetensors files. */
const PREFERRED = ['model.safetensors', 'open_clip_model.safetensors', 'open_clip_pytorch_model.safetensors'];
/** Files of a golden check (e2e/fixtures), never weights. */
const AUX_SAFETENSORS = ['inputs.safetensors', 'golden.safetensors'];
/** The same for PyTorch pickles (HF, open_clip, task_vectors). */
const PREFERRED_TORCH = ['pytorch_model.bin', 'open_clip_pytorch_model.bin', 'finetuned.pt', 'zeroshot.pt'];

export interface Weights<H> {
  store: TensorStore;
  notes: string[];
  /** What a pickled module tree says about the config (the tower's unwrap decides). */
  hints?: H | null;
}

/** From a pickle's (or pickled shards') tensors to the tower's: strips the prefix above it. */
export type Unwrap<H> = (store: TensorStore, file: string) => { store: TensorStore; notes: string[]; hints?: H | null };

/** Picks among the folder's PyTorch pickles (when it has no safetensors). */
async function openTorchWeights<H>(name: string, files: readonly ByteSource[], torch: readonly ByteSource[], unwrap: Unwrap<H>, unused: (used: readonly string[]) => void): Promise<Weights<H>> {
  const base = (f: ByteSource) => baseName(f.name);
  const index = files.find((f) => base(f) === 'pytorch_model.bin.index.json') ?? files.find((f) => base(f).endsWith('.bin.index.json'));
  if (index) {
    const sharded = await openSharded(index, files, openPytorch);
    unused(sharded.shards.map(baseName));
    const { store, notes, hints } = unwrap(sharded, name);
    if (sharded.unmapped.length) notes.push(`${sharded.unmapped.length} tensor(s) in the shards are not in the index's weight_map and were ignored: ${sharded.unmapped.join(', ')}.`);
    return { store, notes, hints };
  }
  let chosen = torch.length === 1 ? torch[0] : undefined;
  for (const p of PREFERRED_TORCH) chosen ??= torch.find((f) => base(f) === p);
  if (!chosen) {
    throw new CheckpointError(name, `has ${torch.length} PyTorch files and none is named ${PREFERRED_TORCH.join(' or ')}: ${torch.map(base).join(', ')}.`,
      'Keep only the model\'s weights in the folder, or rename the weights file to pytorch_model.bin.');
  }
  unused([base(chosen)]);
  const { store, notes, hints } = unwrap(await openPytorch(chosen), name);
  return { store, notes, hints };
}

/** Picks the weights among a folder's files: a sharded index, else one .safetensors file, else a pickle. */
export async function openWeights<H>(name: string, files: readonly ByteSource[], unwrap: Unwrap<H>): Promise<Weights<H>> {
  const base = (f: ByteSource) => baseName(f.name);
  const safetensors = files.filter((f) => base(f).endsWith('.safetensors'));
  const torch = files.filter((f) => TORCH_EXT.test(base(f)));
  const index = files.find((f) => base(f) === 'model.safetensors.index.json') ?? files.find((f) => base(f).endsWith('.safetensors.index.json'));
  const notes: string[] = [];
  const unused = (used: readonly string[]) => {
    const other = [...safetensors, ...torch].map(base).filter((b) => !used.includes(b));
    if (other.length) notes.push(`Other weight files in the folder were not used: ${other.join(', ')}.`);
  };
  if (index) {
    const store = await openSharded(index, files);
    unused(store.shards.map(baseName));
    if (store.unmapped.length) notes.push(`${store.unmapped.length} tensor(s) in the shards are not in the index's weight_map and were ignored: ${listed(store.unmapped.map((t) => quote(t)))}.`);
    return { store, notes };
  }
  // A folder of pickles may carry the golden-check files (inputs/golden.safetensors) beside them.
  if (torch.length && safetensors.every((f) => AUX_SAFETENSORS.includes(base(f)))) {
    const w = await openTorchWeights(name, files, torch, unwrap, (used) => unused([...used, ...safetensors.map(base)]));
    return { ...w, notes: [...w.notes, ...notes] };
  }
  let chosen = safetensors.length === 1 ? safetensors[0] : undefined;
  for (const p of PREFERRED) chosen ??= safetensors.find((f) => base(f) === p);
  if (!chosen && safetensors.length > 1) {
    throw new CheckpointError(name, `has ${safetensors.length} .safetensors files and none is named model.safetensors: ${safetensors.map(base).join(', ')}.`,
      'Keep only the model\'s weights in the folder, or rename the weights file to model.safetensors.');
  }
  if (!chosen) {
    throw new CheckpointError(name, `has no weights: no .safetensors file, no PyTorch .bin/.pt/.pth and no model.safetensors.index.json among ${files.length} file(s)${files.length ? ` (${files.map(base).join(', ')})` : ''}.`,
      'Pick the folder that holds model.safetensors or pytorch_model.bin (and config.json), or a single weights file.');
  }
  unused([base(chosen)]);
  return { store: await openSafetensors(chosen), notes };
}
