import { useState } from 'react';
import { applyTheme, storedTheme, themeChoices, type ThemeChoice } from '../theme';

const labels: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Light, dark, or whatever the system uses; remembered on this machine. */
export function ThemeSwitch() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <div className="bar-item">
      <div className="segmented theme-switch" role="group" aria-label="Theme">
        {themeChoices.map((c) => (
          <button
            key={c}
            type="button"
            aria-pressed={choice === c}
            onClick={() => {
              applyTheme(c);
              setChoice(c);
            }}
          >
            {labels[c]}
          </button>
        ))}
      </div>
    </div>
  );
}
