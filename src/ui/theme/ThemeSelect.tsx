/** The header's theme setting: follow the system, or always light / dark (remembered). */
import { useState } from 'react';
import { applyTheme, loadTheme, saveTheme, THEME_CHOICES, type ThemeChoice } from './theme';
import { pageStorage } from './storage';

export function ThemeSelect() {
  const [choice, setChoice] = useState<ThemeChoice>(() => loadTheme(pageStorage()));
  return (
    <label className="setting">
      Theme{' '}
      <select
        data-testid="theme-setting"
        value={choice}
        onChange={(e) => {
          const c = e.currentTarget.value as ThemeChoice;
          saveTheme(pageStorage(), c);
          applyTheme(c);
          setChoice(c);
        }}
      >
        {THEME_CHOICES.map((c) => <option key={c} value={c}>{c}</option>)}
      </select>
    </label>
  );
}
