/**
 * Light, dark or the system's scheme, as the admin picked it in the connection bar: kept in
 * localStorage and set as data-theme on <html>, which styles.css turns into color-scheme (every colour
 * is light-dark(…)). "system" removes the attribute, so prefers-color-scheme decides again.
 */
export const themeChoices = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof themeChoices)[number];
export type Scheme = 'light' | 'dark';

const KEY = 'smt.theme';

export function storedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return themeChoices.find((c) => c === v) ?? 'system';
  } catch {
    // Storage can be refused (a locked-down profile): the system's scheme then.
    return 'system';
  }
}

export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
  try {
    localStorage.setItem(KEY, choice);
  } catch {
    // Not kept across restarts, still applied now.
  }
}

const systemDark = () => window.matchMedia('(prefers-color-scheme: dark)');

/** The scheme in effect: the admin's pick, else the system's. */
export function currentScheme(): Scheme {
  const pinned = document.documentElement.getAttribute('data-theme');
  if (pinned === 'light' || pinned === 'dark') return pinned;
  return systemDark().matches ? 'dark' : 'light';
}

/** Calls back whenever the scheme in effect may have changed (a pick, or the system's switch). */
export function onSchemeChange(listener: () => void): () => void {
  const mq = systemDark();
  mq.addEventListener('change', listener);
  const mo = new MutationObserver(listener);
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => {
    mq.removeEventListener('change', listener);
    mo.disconnect();
  };
}
