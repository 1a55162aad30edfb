/**
 * Light and dark themes: the choice (system / light / dark) is kept in
 * localStorage; "system" follows prefers-color-scheme, also when it changes while the page is
 * open. The resolved theme is set as data-theme on <html>, where styles.css swaps the palette;
 * useTheme() re-renders what draws colours itself (canvas).
 */
import { useSyncExternalStore } from 'react';
import type { KeyValueStorage } from '../../state/settings';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
const KEY = 'mergelab.theme';

export function loadTheme(storage: KeyValueStorage | null): ThemeChoice {
  const v = storage?.getItem(KEY) ?? null;
  return (THEME_CHOICES as readonly string[]).includes(v ?? '') ? (v as ThemeChoice) : 'system';
}

export function saveTheme(storage: KeyValueStorage | null, choice: ThemeChoice): void {
  storage?.setItem(KEY, choice);
}

export const resolveTheme = (choice: ThemeChoice, systemDark: boolean): Theme =>
  choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

/** Sets data-theme on <html> for the choice and the system's current preference. */
export function applyTheme(choice: ThemeChoice): Theme {
  const theme = resolveTheme(choice, darkQuery().matches);
  document.documentElement.dataset.theme = theme;
  return theme;
}

/** Re-applies the stored choice whenever the system preference changes. */
export function followSystemTheme(storage: KeyValueStorage | null): void {
  darkQuery().addEventListener('change', () => applyTheme(loadTheme(storage)));
}

/** The theme on <html> now; re-renders when it changes (canvas plots redraw with the new palette). */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribeTheme, currentTheme, () => 'light');
}

const currentTheme = (): Theme => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');

function subscribeTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
