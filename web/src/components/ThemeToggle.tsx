import { useEffect, useState } from 'react';
import { effectiveTheme, otherTheme, saveTheme, storedTheme, type Theme } from '../lib/theme';
import { resetFlashColor } from './useFlash';

const systemDark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;

/** Sets data-theme before the first render so the page never flashes the wrong theme. */
export function applyInitialTheme(): void {
  const stored = storedTheme(window.localStorage);
  if (stored) document.documentElement.dataset.theme = stored;
}

/** Explicit light/dark choice remembered in localStorage; without one the system setting wins. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => effectiveTheme(storedTheme(window.localStorage), systemDark()));
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    const follow = () => {
      if (!storedTheme(window.localStorage)) setTheme(systemDark() ? 'dark' : 'light');
    };
    mq?.addEventListener('change', follow);
    return () => mq?.removeEventListener('change', follow);
  }, []);
  const toggle = () => {
    const next = otherTheme(theme);
    saveTheme(window.localStorage, next);
    document.documentElement.dataset.theme = next;
    resetFlashColor();
    setTheme(next);
  };
  return (
    <button type="button" className="theme-toggle" onClick={toggle} aria-pressed={theme === 'dark'}>
      <span aria-hidden="true">{theme === 'dark' ? '☾' : '☀'}</span> Dark theme
    </button>
  );
}
