import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../engine/backend';
import { BACKEND_SETTINGS, backendFromUrl, loadBackendSetting, saveBackendSetting, type KeyValueStorage } from './settings';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('backend setting', () => {
  it('offers automatic and every backend the engine knows', () => {
    expect(BACKEND_SETTINGS).toEqual(['auto', ...BACKENDS]);
  });

  it('round-trips through storage and defaults to auto', () => {
    const s = memoryStorage();
    expect(loadBackendSetting(s)).toBe('auto');
    saveBackendSetting(s, 'webgl');
    expect(loadBackendSetting(s)).toBe('webgl');
    expect(loadBackendSetting(null)).toBe('auto');
  });

  it('treats a corrupted stored value as auto', () => {
    const s = memoryStorage();
    s.setItem('mergelab.backend', 'tpu');
    expect(loadBackendSetting(s)).toBe('auto');
  });

  it('reads ?backend= and reports unknown values', () => {
    expect(backendFromUrl('?backend=webgpu')).toEqual({ force: 'webgpu', problem: null });
    expect(backendFromUrl('?x=1')).toEqual({ force: null, problem: null });
    expect(backendFromUrl('?backend=auto')).toEqual({ force: null, problem: null });
    const bad = backendFromUrl('?backend=metal');
    expect(bad.force).toBeNull();
    expect(bad.problem).toContain('?backend=metal');
    expect(bad.problem).toContain('webgpu, wasm, webgl, cpu');
  });
});
