/**
 * The engine's memory as the header shows it: tfjs's own count of tensors and
 * bytes on the backend in use, and the GPU bytes where the backend reports them (WebGPU, WebGL).
 * Read on demand (the page polls about every 2 s while it is visible); no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import type { EngineMemory } from './api';

interface BackendMemory extends tf.MemoryInfo {
  /** WebGPU / WebGL: bytes held in GPU buffers or textures (allocated, including the free pool). */
  numBytesInGPU?: number;
  numBytesInGPUAllocated?: number;
}

export function engineMemory(): EngineMemory {
  const m = tf.memory() as BackendMemory;
  const gpu = m.numBytesInGPUAllocated ?? m.numBytesInGPU;
  return {
    backend: tf.getBackend(),
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    gpuBytes: typeof gpu === 'number' ? gpu : null,
    unreliable: !!m.unreliable,
  };
}
