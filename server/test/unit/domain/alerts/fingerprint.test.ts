import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../../src/domain/alerts/fingerprint.js';

/** The documented definition, computed with a Hash object (the module uses the one-shot `crypto.hash`). */
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('alert fingerprints', () => {
  it('are the SHA-256 of rule, subject and tier joined by U+001F', () => {
    const first = fingerprint({ id: 7 }, 42, 'page-1h');
    expect(first).toBe(sha('rule:7\u001fentity:42\u001ftier:page-1h'));
    expect(fingerprint({ id: 7 }, 42, null)).toBe(sha('rule:7\u001fentity:42\u001ftier:'));
    expect(fingerprint({ id: 7 }, 43, 'page-1h')).not.toBe(first);
    expect(fingerprint({ id: 8 }, 42, 'page-1h')).not.toBe(first);
    expect(fingerprint({ id: 7 }, { teamName: 'a' }, null)).toBe(sha('rule:7\u001fscope:["a",null,null]\u001ftier:'));
  });
});
