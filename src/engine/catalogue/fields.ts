/** Parameter fields the trained methods share (same names, ranges and help everywhere). */
import type { ParamField } from '../merge/types';

export function iterationsField(value: number, unit: string): ParamField {
  return {
    name: 'iterations', label: 'Iterations', type: 'integer', default: value, min: 1, max: 100000, step: 1,
    help: `Training length in ${unit} (the paper's default is ${value}; the "quick" preset is for teaching and trains much less).`,
  };
}

export function lrField(value: number): ParamField {
  return { name: 'lr', label: 'Learning rate', type: 'number', default: value, min: 1e-6, max: 1, step: 1e-4, help: `Adam learning rate (β 0.9, 0.999); the paper uses ${value}.` };
}

export function rankField(value: number, what: string): ParamField {
  return { name: 'rank', label: 'Rank r', type: 'integer', default: value, min: 1, max: 512, step: 1, help: `Rank of ${what} (the paper's default is ${value}).` };
}
