/**
 * Picks the tfjs backend once — the only place that calls tf.setBackend.
 * Order: WebGPU on a *hardware* adapter → WASM (SIMD, threads when cross-origin isolated) →
 * WebGL → CPU. A software WebGPU adapter (SwiftShader, what headless Chromium offers without a
 * GPU) is ~80× slower than WASM, so it is used only when forced. Node uses WASM.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export interface BackendChoice {
  backend: BackendName;
  /** Human-readable reasons: why this one, and why faster ones were not used. */
  reasons: string[];
  /** WebGPU adapter description when one was found. */
  adapter?: string;
  /** Whether the adapter is software (SwiftShader / fallback). */
  softwareAdapter?: boolean;
  /** WASM threads in use (1 without cross-origin isolation). */
  wasmThreads?: number;
}

export interface BackendOptions {
  /** Force one backend (settings / `?backend=` URL parameter / tests). */
  force?: BackendName;
  /** URLs of the three tfjs wasm binaries (the browser needs absolute URLs; Node finds its own). */
  wasmPaths?: Record<string, string>;
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

async function probeWebGpu(): Promise<{ adapter: GpuAdapterLike | null; why?: string }> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } }).navigator?.gpu;
  if (!gpu) return { adapter: null, why: 'this browser exposes no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { adapter } : { adapter: null, why: 'WebGPU found no adapter' };
  } catch (e) {
    return { adapter: null, why: `WebGPU adapter request failed: ${(e as Error).message}` };
  }
}

function describeAdapter(a: GpuAdapterLike): { text: string; software: boolean } {
  const info = a.info ?? {};
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const software = !!a.isFallbackAdapter || /swiftshader|llvmpipe|software|microsoft basic/i.test(text);
  return { text, software };
}

async function trySet(name: BackendName): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name; // tfjs's setBackend may fall back silently
  } catch {
    return false;
  }
}

let chosen: Promise<BackendChoice> | null = null;

/** Initialises tfjs once per realm (worker or Node process) and reports the choice. */
export function initBackend(opts: BackendOptions = {}): Promise<BackendChoice> {
  chosen ??= choose(opts);
  return chosen;
}

async function choose(opts: BackendOptions): Promise<BackendChoice> {
  const reasons: string[] = [];
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string'
    && typeof (globalThis as { window?: unknown }).window === 'undefined'
    && typeof (globalThis as { importScripts?: unknown }).importScripts === 'undefined';
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (opts.wasmPaths) setWasmPaths(opts.wasmPaths);
  if (!isolated && !isNode) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

  let order: BackendName[];
  let gpu: { text: string; software: boolean } | undefined;
  if (opts.force) {
    order = [opts.force];
    reasons.push(`${opts.force} was forced by a setting or URL parameter`);
    if (opts.force === 'webgpu') {
      const { adapter, why } = await probeWebGpu();
      if (adapter) gpu = describeAdapter(adapter);
      else reasons.push(why!);
    }
  } else if (isNode) {
    order = ['wasm', 'cpu'];
    reasons.push('Node: WASM (SIMD) is ~30× faster than the pure-JS CPU backend');
  } else {
    const { adapter, why } = await probeWebGpu();
    order = [];
    if (adapter) {
      gpu = describeAdapter(adapter);
      if (gpu.software) reasons.push(`WebGPU adapter "${gpu.text}" is a software renderer (~80× slower than WASM here), so it is not used; force it with ?backend=webgpu`);
      else order.push('webgpu');
    } else {
      reasons.push(`WebGPU unavailable: ${why}`);
    }
    order.push('wasm', 'webgl', 'cpu');
  }

  for (const name of order) {
    if (await trySet(name)) {
      const choice: BackendChoice = { backend: name, reasons };
      if (gpu) { choice.adapter = gpu.text; choice.softwareAdapter = gpu.software; }
      if (name === 'wasm') {
        const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? Math.max(1, Math.floor(((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2) / 2)) : 1;
        choice.wasmThreads = threads;
        if (!isNode && !isolated) reasons.push('page is not cross-origin isolated, so WASM runs single-threaded');
      }
      return choice;
    }
    reasons.push(`${name} failed to initialise`);
  }
  throw new Error(`No tfjs backend could be initialised (${reasons.join('; ')}).`);
}
