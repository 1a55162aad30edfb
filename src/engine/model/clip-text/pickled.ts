/**
 * From a PyTorch pickle's named tensors to what text-layout detection expects: finds the prefix
 * above the text tower ("module.", "state_dict.", "model." of a task_vectors wrapper) by its token
 * embedding, strips it and keeps the tensors under it (the rest is reported, not read).
 */
import type { TensorInfo, TensorStore } from '../../io/safetensors';
import { TEXT_ANCHORS } from './names';

export function unwrapTextPickle(store: TensorStore, file: string): { store: TensorStore; notes: string[] } {
  const names = [...store.tensors.keys()];
  let prefix = '';
  search: for (const anchor of TEXT_ANCHORS) {
    for (const n of names) {
      if (n === anchor || n.endsWith(`.${anchor}`)) { prefix = n.slice(0, n.length - anchor.length); break search; }
    }
  }
  const notes = [`PyTorch pickle ${file}, read without executing code: ${names.length} tensors${prefix ? `, the text tower under "${prefix}" (prefix removed)` : ''}.`];
  if (!prefix) return { store, notes };
  const tensors = new Map<string, TensorInfo>();
  for (const n of names) if (n.startsWith(prefix)) tensors.set(n.slice(prefix.length), { ...store.tensors.get(n)!, name: n.slice(prefix.length) });
  return {
    store: { name: store.name, tensors, metadata: store.metadata, size: store.size, read: (n) => store.read(prefix + n) },
    notes,
  };
}
