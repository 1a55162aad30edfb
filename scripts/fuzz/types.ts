/**
 * A fuzz target: one reader of untrusted bytes. `seeds` are valid inputs the mutators start from;
 * `run` feeds one (mutated) input to the reader and may only throw MergelabError subclasses
 * (src/engine/errors.ts): anything else is a raw exception, a bug. A target whose format hides
 * its interesting part at a known place brings its own `mutate` (the harness's otherwise).
 */
import type { Rng } from '../../src/engine/random';

export interface FuzzTarget {
  name: string;
  seeds: () => Promise<Uint8Array[]>;
  run: (bytes: Uint8Array) => Promise<void>;
  mutate?: (seed: Uint8Array, seeds: readonly Uint8Array[], rng: Rng) => { bytes: Uint8Array; mutators: string[] };
}
