/**
 * The engine's death, without a browser: which errors are fatal (worded by hand from the messages
 * tfjs's wasm backend, V8 and WebGPU really produce), and that a guarded api's pending and later
 * calls reject with the crash instead of waiting, once, while a live engine's answers pass through.
 */
import { describe, expect, it } from 'vitest';
import { CancelledError, SafetensorsError, toErrorInfo } from '../engine/errors';
import type { EngineApi, ErrorInfo } from './api';
import { crashInfo, ENGINE_CRASHED, ENGINE_STOPPED, engineLife, fatalCause, guardApi } from './crash';

describe('fatalCause', () => {
  it('names a WebAssembly abort, running out of memory and a lost WebGPU device in plain words', () => {
    // tfjs-backend-wasm's emscripten abort, as it arrives through toErrorInfo.
    expect(fatalCause(toErrorInfo(new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.')))).toBe(
      'its WebAssembly backend aborted (Aborted(). Build with -sASSERTIONS for more info.)');
    expect(fatalCause({ name: 'RuntimeError', code: 'internal', message: 'unreachable', hint: '' })).toMatch(/^its WebAssembly backend aborted/);
    expect(fatalCause(toErrorInfo(new WebAssembly.RuntimeError('Aborted(OOM)')))).toMatch(/^it ran out of memory \(Aborted\(OOM\)\)/);
    expect(fatalCause(toErrorInfo(new RangeError('Array buffer allocation failed')))).toMatch(/^it ran out of memory/);
    expect(fatalCause(toErrorInfo(new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded')))).toMatch(/^it ran out of memory/);
    expect(fatalCause({ name: 'Error', code: 'internal', message: 'GPU device was lost: destroyed', hint: '' })).toMatch(/^the graphics device \(WebGPU\) was lost/);
    expect(fatalCause('Aborted(native code called abort())')).toMatch(/^its WebAssembly backend aborted/);
  });

  it('leaves input errors, cancels and ordinary bugs alone, and quotes at most 200 characters', () => {
    expect(fatalCause(new SafetensorsError('model.safetensors', 'out of memory while reading the header').toJSON())).toBeNull();
    expect(fatalCause(new CancelledError('merge').toJSON())).toBeNull();
    expect(fatalCause(toErrorInfo(new TypeError("Cannot read properties of undefined (reading 'shape')")))).toBeNull();
    expect(fatalCause(null)).toBeNull();
    const long = fatalCause({ name: 'RuntimeError', code: 'internal', message: `Aborted(${'x'.repeat(5000)})`, hint: '' })!;
    expect(long.length).toBe('its WebAssembly backend aborted ('.length + 200 + 1);
  });
});

/** An api whose one method `slow` answers when told to, and `fast` at once; counts the calls. */
function fakeApi() {
  let answer: (v: string) => void = () => undefined;
  const calls: string[] = [];
  const api = {
    slow: () => { calls.push('slow'); return new Promise<string>((r) => { answer = r; }); },
    fast: async () => { calls.push('fast'); return 'fast'; },
  } as unknown as EngineApi;
  return { api, calls, answer: (v: string) => answer(v) };
}
type Fake = { slow(): Promise<string>; fast(): Promise<string> };

describe('guardApi and engineLife', () => {
  it('passes answers through while the engine lives, and is not a thenable', async () => {
    const { api } = fakeApi();
    const guarded = guardApi(api, new Promise<ErrorInfo>(() => undefined)) as unknown as Fake;
    expect(await guarded.fast()).toBe('fast');
    expect((guarded as unknown as { then?: unknown }).then).toBeUndefined();
  });

  it('rejects the pending call when the engine dies, and every later call without calling the engine', async () => {
    const f = fakeApi();
    const crashes: ErrorInfo[] = [];
    let stopped = 0;
    const life = engineLife(f.api, () => { stopped++; }, (i) => crashes.push(i));
    const pending = (life.api as unknown as Fake).slow();
    const info = crashInfo('it ran out of memory (Aborted(OOM))');
    life.died(info);
    life.died(crashInfo('a second report')); // once only
    await expect(pending).rejects.toEqual(info);
    f.answer('too late'); // a dead worker's answer, should one come, changes nothing
    await expect((life.api as unknown as Fake).fast()).rejects.toMatchObject({ code: ENGINE_CRASHED, message: 'The engine stopped: it ran out of memory (Aborted(OOM)).' });
    expect(f.calls).toEqual(['slow']);
    expect(crashes).toEqual([info]);
    expect(stopped).toBe(1);
  });

  it('a stop on purpose rejects pending calls as stopped and is never reported as a crash', async () => {
    const f = fakeApi();
    const crashes: ErrorInfo[] = [];
    const life = engineLife(f.api, () => undefined, (i) => crashes.push(i));
    const pending = (life.api as unknown as Fake).slow();
    life.terminate();
    life.died(crashInfo('the lock was granted after the stop'));
    await expect(pending).rejects.toMatchObject({ code: ENGINE_STOPPED });
    expect(crashes).toEqual([]);
  });
});
