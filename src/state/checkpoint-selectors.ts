/** Derived views of the loaded checkpoints (pure): the ready ones and which is the pretrained model. */
import type { CheckpointEntry, LabState } from './slices/lab-state';

/** Folder names that suggest the pretrained model of a pool. */
const PRETRAINED_NAME = /pretrain|zero-?shot|(^|\/)base($|[-_])|(^|\/)tiny-a$/i;

export const readyCheckpoints = (s: LabState): CheckpointEntry[] => s.checkpoints.filter((c) => c.status === 'ready');

/** The pretrained model: the user's choice, else one named like it, else the first ready one. */
export function pretrainedKey(s: LabState): string | null {
  const ready = readyCheckpoints(s);
  if (s.pool.chosenPretrained && ready.some((c) => c.key === s.pool.chosenPretrained)) return s.pool.chosenPretrained;
  return (ready.find((c) => PRETRAINED_NAME.test(c.name)) ?? ready[0])?.key ?? null;
}
