import { useState } from 'react';
import { applyTheme, storedTheme, themeChoices, type ThemeChoice } from '../theme';

const choices: Record<ThemeChoice, { label: string; title: string; icon: string }> = {
  system: {
    label: 'System',
    title: 'Follow the system’s light or dark setting',
    icon: 'M2 3h12v8H2zM3.5 4.5v5h9v-5zM6 12.5h4V14H6z',
  },
  light: {
    label: 'Light',
    title: 'Light theme',
    icon: 'M8 5a3 3 0 110 6 3 3 0 010-6zM7.25 1h1.5v2.2h-1.5zM7.25 12.8h1.5V15h-1.5zM1 7.25h2.2v1.5H1zM12.8 7.25H15v1.5h-2.2zM2.7 3.76l1.06-1.06 1.56 1.56-1.06 1.06zM10.68 11.74l1.06-1.06 1.56 1.56-1.06 1.06zM2.7 12.24l1.56-1.56 1.06 1.06-1.56 1.56zM10.68 4.26l1.56-1.56 1.06 1.06-1.56 1.56z',
  },
  dark: {
    label: 'Dark',
    title: 'Dark theme',
    icon: 'M9.5 1.5A6.5 6.5 0 1014.5 10 5.2 5.2 0 019.5 1.5z',
  },
};

/** Light, dark, or whatever the system uses; remembered on this machine. */
export function ThemeSwitch() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <div className="segmented theme-switch" role="group" aria-label="Theme">
      {themeChoices.map((c) => (
        <button
          key={c}
          type="button"
          aria-label={choices[c].label}
          title={choices[c].title}
          aria-pressed={choice === c}
          onClick={() => {
            applyTheme(c);
            setChoice(c);
          }}
        >
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path d={choices[c].icon} fill="currentColor" />
          </svg>
        </button>
      ))}
    </div>
  );
}
