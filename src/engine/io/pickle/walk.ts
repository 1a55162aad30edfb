/**
 * The module-tree walker: turns an unpickled checkpoint into named tensors, state-dict style.
 * Dicts (state dicts, OrderedDicts, {"state_dict": …} wrappers) contribute `key.`; an inert nn.Module
 * record contributes its `_parameters`, `_buffers` and `_modules` (what Module.state_dict() walks);
 * other records (transforms, configs) hold no weights and are only counted.
 */
import { PickleError } from './errors';
import { PyDict, PyObject, PyTensor, type PyValue } from './values';

export interface Walked {
  tensors: Map<string, PyTensor>;
  /** nn.Module records by dotted path ("" for the root), for config hints. */
  modules: Map<string, PyObject>;
  /** The root's description, e.g. "state dict", "pickled src.modeling.ImageEncoder". */
  root: string;
}

export const MAX_DEPTH = 64;
/** Most dict entries and module members visited (a shared sub-dict counts each time it is reached). */
export const MAX_VISITS = 2_000_000;

const isModule = (o: PyObject): o is PyObject & { state: PyDict } => o.state instanceof PyDict && o.state.map.has('_parameters');

export function walkCheckpoint(file: string, root: PyValue): Walked {
  const tensors = new Map<string, PyTensor>();
  const modules = new Map<string, PyObject>();
  const path: PyValue[] = [];
  let visits = 0;
  const fail = (problem: string) => new PickleError(file, problem, 'The pickle is corrupt or hostile; re-save the checkpoint with torch.save(model.state_dict(), path).');
  const key = (k: PyValue) => (typeof k === 'string' ? k : typeof k === 'number' ? String(k) : null);

  const walk = (v: PyValue, name: string) => {
    if (++visits > MAX_VISITS) throw fail(`the object graph has more than ${MAX_VISITS} entries (shared dicts reached over and over).`);
    if (v instanceof PyTensor) { tensors.set(name, v); return; }
    if (!(v instanceof PyDict || v instanceof PyObject)) return;
    if (path.includes(v)) throw fail(`the object graph loops back on itself at "${name}".`);
    if (path.length >= MAX_DEPTH) throw fail(`objects are nested more than ${MAX_DEPTH} deep (at "${name}").`);
    path.push(v);
    const children = (d: PyValue, prefix: string) => {
      if (!(d instanceof PyDict)) return;
      for (const [k, child] of d.map) {
        const s = key(k);
        if (s !== null) walk(child, prefix + s);
      }
    };
    const dot = name ? `${name}.` : '';
    if (v instanceof PyDict) children(v, dot);
    else if (isModule(v)) {
      modules.set(name, v);
      for (const member of ['_parameters', '_buffers', '_modules']) children(v.state.map.get(member) ?? null, dot);
    } else children(v.items, dot);
    path.pop();
  };
  walk(root, '');
  const rootDesc = root instanceof PyObject ? `pickled ${root.cls.full}${isModule(root) ? ' module tree' : ''}` : root instanceof PyDict ? 'state dict' : 'pickled value';
  return { tensors, modules, root: rootDesc };
}
