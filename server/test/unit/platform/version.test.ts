import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../../src/platform/version.js';

describe('the version a pod reports', () => {
  it("is the server package's, found from the sources and from a bundle beside it", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(packageVersion()).toBe(pkg.version);
    expect(packageVersion(new URL('../../../dist/main.js', import.meta.url).href)).toBe(pkg.version);
    expect(packageVersion('file:///nowhere/at/all.js')).toBe('unknown');
  });
});
