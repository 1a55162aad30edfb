import { describe, expect, it } from 'vitest';
import { loadTheme, resolveTheme, saveTheme, THEME_CHOICES } from './theme';

class MemoryStorage {
  private readonly m = new Map<string, string>();
  getItem(k: string) { return this.m.get(k) ?? null; }
  setItem(k: string, v: string) { this.m.set(k, v); }
}

describe('theme choice', () => {
  it('defaults to the system, remembers a choice, ignores an unknown stored value', () => {
    const s = new MemoryStorage();
    expect(loadTheme(null)).toBe('system');
    expect(loadTheme(s)).toBe('system');
    for (const c of THEME_CHOICES) { saveTheme(s, c); expect(loadTheme(s)).toBe(c); }
    s.setItem('mergelab.theme', 'sepia');
    expect(loadTheme(s)).toBe('system');
  });

  it('system follows the preference; light and dark ignore it', () => {
    expect([false, true].map((d) => resolveTheme('system', d))).toEqual(['light', 'dark']);
    expect([false, true].map((d) => resolveTheme('light', d))).toEqual(['light', 'light']);
    expect([false, true].map((d) => resolveTheme('dark', d))).toEqual(['dark', 'dark']);
  });
});
