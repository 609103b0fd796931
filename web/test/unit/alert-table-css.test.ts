import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The declarations of the first rule whose selector list contains `selector`. */
function declarations(css: string, selector: string): string {
  const rule = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].find(([, sel]) =>
    (sel ?? '').split(',').some((s) => s.trim() === selector),
  );
  return rule?.[2] ?? '';
}

describe('alerts table layout', () => {
  const css = readFileSync(new URL('../../src/styles/alerts.css', import.meta.url), 'utf8').replace(
    /\/\*[\s\S]*?\*\//g,
    '',
  );

  it('wraps its cells, the summary included (table cells do not wrap by default)', () => {
    expect(declarations(css, 'table.alerts td')).toMatch(/white-space:\s*normal/);
    expect(declarations(css, 'table.alerts th[scope="row"]')).toMatch(/white-space:\s*normal/);
  });

  it('keeps the summary within a bounded width, breaking long tokens', () => {
    const summary = declarations(css, 'table.alerts .alert-summary');
    expect(summary).toMatch(/max-width:\s*28rem/);
    expect(summary).toMatch(/overflow-wrap:\s*anywhere/);
  });
});
