/**
 * A fuzz target: one reader of untrusted bytes. `seeds` are valid inputs the mutators start from;
 * `run` feeds one (mutated) input to the reader and may only throw MergelabError subclasses
 * (src/engine/errors.ts): anything else is a raw exception, a bug.
 */
export interface FuzzTarget {
  name: string;
  seeds: () => Promise<Uint8Array[]>;
  run: (bytes: Uint8Array) => Promise<void>;
}
