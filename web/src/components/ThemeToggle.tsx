import { useEffect, useState } from 'react';
import { effectiveTheme, otherTheme, saveTheme, storedTheme, type Theme } from '../lib/theme';
import { resetFlashColor } from './useFlash';

const systemDark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;

const apply = (theme: Theme) => {
  document.documentElement.dataset.theme = theme;
  resetFlashColor();
};

/**
 * Sets data-theme (the stored choice, else the system setting) before the first render,
 * so the page never flashes the wrong theme; the stylesheet keys its palette on it.
 */
export function applyInitialTheme(): void {
  apply(effectiveTheme(storedTheme(window.localStorage), systemDark()));
}

/** Explicit light/dark choice remembered in localStorage; without one the system setting wins. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => effectiveTheme(storedTheme(window.localStorage), systemDark()));
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    const follow = () => {
      if (storedTheme(window.localStorage)) return;
      const next = systemDark() ? 'dark' : 'light';
      apply(next);
      setTheme(next);
    };
    mq?.addEventListener('change', follow);
    return () => mq?.removeEventListener('change', follow);
  }, []);
  const toggle = () => {
    const next = otherTheme(theme);
    saveTheme(window.localStorage, next);
    apply(next);
    setTheme(next);
  };
  return (
    <button type="button" className="theme-toggle" onClick={toggle} aria-pressed={theme === 'dark'}>
      <span aria-hidden="true">{theme === 'dark' ? '☾' : '☀'}</span> Dark theme
    </button>
  );
}
