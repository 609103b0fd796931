import { randomBytes } from 'node:crypto';

/** A Redis key prefix no other test (or run) shares, e.g. `t:store:3f9a1c2b:`. */
export const uniquePrefix = (name: string): string => `t:${name}:${randomBytes(4).toString('hex')}:`;
