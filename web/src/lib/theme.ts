export type Theme = 'light' | 'dark';
export const THEME_KEY = 'sla-dashboard-theme';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

/** The user's explicit choice, or null to follow the system setting. */
export function storedTheme(store: Store | undefined): Theme | null {
  try {
    const v = store?.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    // Storage can throw (privacy modes, sandboxed frames): behave as if nothing was stored.
    return null;
  }
}

export function saveTheme(store: Store | undefined, theme: Theme): void {
  try {
    store?.setItem(THEME_KEY, theme);
  } catch {
    // The toggle still works for this page view; it just is not remembered.
  }
}

export const effectiveTheme = (stored: Theme | null, systemDark: boolean): Theme =>
  stored ?? (systemDark ? 'dark' : 'light');

export const otherTheme = (t: Theme): Theme => (t === 'dark' ? 'light' : 'dark');
