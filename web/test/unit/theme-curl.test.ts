import { describe, expect, it } from 'vitest';
import { firstUpdateCurl } from '../../src/lib/curl';
import { formatGap, formatRelative } from '../../src/lib/format';
import { effectiveTheme, saveTheme, storedTheme, THEME_KEY } from '../../src/lib/theme';

describe('theme choice', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
  };

  it('follows the system until the user picks, then remembers the pick', () => {
    const store = memory();
    expect(effectiveTheme(storedTheme(store), true)).toBe('dark');
    saveTheme(store, 'light');
    expect(store.getItem(THEME_KEY)).toBe('light');
    expect(effectiveTheme(storedTheme(store), true)).toBe('light');
  });

  it('survives storage that throws or holds junk', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(storedTheme(broken)).toBeNull();
    expect(() => saveTheme(broken, 'dark')).not.toThrow();
    expect(storedTheme({ getItem: () => 'purple', setItem: () => undefined })).toBeNull();
  });
});

describe('empty-state command', () => {
  it('posts the example update to this server', () => {
    expect(firstUpdateCurl('http://localhost:3000')).toBe(
      `curl -X POST http://localhost:3000/api/cache/incremental-update -H 'content-type: application/json' -d '{"entityName":"user_activity_table","entityType":"table","teamName":"PGM","tenantName":"Data Engineering","currentSla":95.5,"status":"Passed"}'`,
    );
  });
});

describe('formatting', () => {
  it('signs the gap to target', () => {
    expect(formatGap(90, 95)).toBe('−5.0');
    expect(formatGap(99.5, 95)).toBe('+4.5');
    expect(formatGap(95, 95)).toBe('0.0');
  });

  it('describes times relative to now', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    expect(formatRelative('2025-01-01T11:57:00Z', now)).toMatch(/3 min/);
    expect(formatRelative(null, now)).toBe('never');
  });
});
