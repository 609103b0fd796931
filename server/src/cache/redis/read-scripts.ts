import { PRELUDE } from './write-scripts.js';

/**
 * Read-only scripts. Each resolves the current generation and reads it in the same
 * script, so a read never lands between a switch and the deletion of the old generation.
 */
const META = `${PRELUDE}
if not cur then return false end
return {cur, redis.call('HGETALL', gkey('meta', cur))}
`;

/** ARGV: base, id. */
const GET = `${PRELUDE}
if not cur then return false end
return redis.call('HGET', gkey('entities', cur), ARGV[2])
`;

/** One HSCAN page of a generation; ARGV: base, generation, cursor, count. False once it is not current. */
const PAGE = `${PRELUDE}
if cur ~= ARGV[2] then return false end
return redis.call('HSCAN', gkey('entities', cur), ARGV[3], 'COUNT', ARGV[4])
`;

const TEAMS = `${PRELUDE}
if not cur then return {} end
return redis.call('HKEYS', gkey('teams', cur))
`;

const COUNTS = `${PRELUDE}
if not cur then return {0, 0} end
return {redis.call('HLEN', gkey('entities', cur)), redis.call('HLEN', gkey('teams', cur))}
`;

/** Scripts that only read, as [number of keys, Lua source]. */
export const READ_SCRIPTS = {
  meta: [1, META],
  get: [1, GET],
  page: [1, PAGE],
  teams: [1, TEAMS],
  counts: [1, COUNTS],
} as const satisfies Record<string, readonly [number, string]>;
