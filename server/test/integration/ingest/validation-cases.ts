import { UPDATE } from '../../support/app.js';

export const ONE = '/api/cache/incremental-update';
export const MANY = '/api/cache/incremental-updates';

export type Case = {
  name: string;
  path?: string;
  body: unknown;
  headers?: Record<string, string>;
  status: number;
  says: RegExp;
};

const valid = (i: number) => ({ ...UPDATE, entityName: `valid_${i}` });
/** A full batch (1,000 updates) with `bad` at `index`: the 400 must name that item. */
const batchWith = (index: number, bad: Record<string, unknown>) => ({
  updates: Array.from({ length: 1000 }, (_, i) => (i === index ? { ...valid(i), ...bad } : valid(i))),
});
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const rawWith = (field: string, rawValue: string) => `${JSON.stringify(UPDATE).slice(0, -1)},"${field}":${rawValue}}`;

/** Bad requests, each with the status and the words its answer must contain. */
export const cases: Case[] = [
  { name: 'malformed JSON', body: '{"entityName": "x", ', status: 400, says: /malformed json/i },
  { name: 'empty body', body: '', status: 400, says: /empty/i },
  { name: 'JSON that is not an object', body: '[1,2,3]', status: 400, says: /expected object|object/i },
  { name: 'currentSla as a string', body: { ...UPDATE, currentSla: '95.5' }, status: 400, says: /currentSla/ },
  {
    name: 'entityName as a number',
    body: { ...UPDATE, entityName: 42 },
    status: 400,
    says: /entityName must be a string/,
  },
  {
    name: 'details as an array',
    body: { ...UPDATE, details: [1] },
    status: 400,
    says: /details must be a JSON object/,
  },
  {
    name: 'missing fields',
    body: { entityName: 'only_a_name' },
    status: 400,
    says: /(?=.*entityType)(?=.*teamName)(?=.*tenantName)(?=.*currentSla)(?=.*status)/,
  },
  {
    name: 'currentSla 101',
    body: { ...UPDATE, currentSla: 101 },
    status: 400,
    says: /currentSla must be between 0 and 100/,
  },
  {
    name: 'currentSla -1',
    body: { ...UPDATE, currentSla: -1 },
    status: 400,
    says: /currentSla must be between 0 and 100/,
  },
  {
    name: 'slaTarget 100.5',
    body: { ...UPDATE, slaTarget: 100.5 },
    status: 400,
    says: /slaTarget must be between 0 and 100/,
  },
  {
    name: 'currentSla 1e999 (Infinity)',
    body: rawWith('currentSla', '1e999').replace('"currentSla":95.5,', ''),
    status: 400,
    says: /currentSla/,
  },
  {
    name: 'currentSla -1e999',
    body: rawWith('currentSla', '-1e999').replace('"currentSla":95.5,', ''),
    status: 400,
    says: /currentSla/,
  },
  {
    name: 'entityName of 257 characters',
    body: { ...UPDATE, entityName: 'e'.repeat(257) },
    status: 400,
    says: /entityName must be at most 256 characters/,
  },
  { name: 'blank teamName', body: { ...UPDATE, teamName: '   ' }, status: 400, says: /teamName must not be empty/ },
  {
    name: 'details over 16 KiB',
    body: { ...UPDATE, details: { log: 'x'.repeat(17 * 1024) } },
    status: 400,
    says: /details must be at most 16384 bytes/,
  },
  {
    name: 'body over 1 MiB',
    body: { ...UPDATE, details: { log: 'x'.repeat(1024 * 1024 + 10) } },
    status: 413,
    says: /exceeds the 1 MiB limit/,
  },
  {
    name: 'text/plain content type',
    body: JSON.stringify(UPDATE),
    headers: { 'content-type': 'text/plain' },
    status: 415,
    says: /Content-Type must be application\/json/,
  },
  {
    name: 'form content type',
    body: 'a=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    says: /application\/json/,
  },
  {
    name: 'unknown status',
    body: { ...UPDATE, status: 'Green' },
    status: 400,
    says: /status must be one of Passed, Failed, AtRisk, NoData/,
  },
  {
    name: 'lowercase status',
    body: { ...UPDATE, status: 'passed' },
    status: 400,
    says: /Passed, Failed, AtRisk, NoData/,
  },
  {
    name: 'bad entityType',
    body: { ...UPDATE, entityType: 'Big Table' },
    status: 400,
    says: /entityType must be a lowercase identifier/,
  },
  {
    name: 'observedAt not a date',
    body: { ...UPDATE, observedAt: 'yesterday' },
    status: 400,
    says: /observedAt must be an ISO 8601 date-time/,
  },
  { name: 'NUL in entityName', body: { ...UPDATE, entityName: 'bad\u0000name' }, status: 400, says: /entityName/ },
  { name: 'control character in teamName', body: { ...UPDATE, teamName: 'PG\u0007M' }, status: 400, says: /teamName/ },
  { name: 'NUL in a details string', body: { ...UPDATE, details: { note: 'a\u0000b' } }, status: 400, says: /details/ },
  {
    name: 'NUL in a nested details key',
    body: { ...UPDATE, details: { deep: [{ 'k\u0000': 1 }] } },
    status: 400,
    says: /details/,
  },
  {
    name: 'details nested 100,000 levels deep',
    body: `${JSON.stringify(UPDATE).slice(0, -1)},"details":{"d":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    status: 400,
    says: /details must be nested at most 64 levels deep/,
  },
  {
    name: 'batch of 1,001 updates',
    path: MANY,
    body: { updates: Array.from({ length: 1001 }, (_, i) => valid(i)) },
    status: 400,
    says: /updates must contain at most 1000 updates/,
  },
  { name: 'empty batch', path: MANY, body: { updates: [] }, status: 400, says: /at least one update/ },
  {
    name: 'batch with one bad item among good ones',
    path: MANY,
    body: { updates: [valid(1), valid(2), { ...UPDATE, currentSla: 250 }] },
    status: 400,
    says: /updates\.2\.currentSla: currentSla must be between 0 and 100/,
  },
  {
    name: 'batch with a NUL in one item',
    path: MANY,
    body: { updates: [valid(3), { ...UPDATE, entityName: 'x\u0000' }] },
    status: 400,
    says: /updates\.1\.entityName/,
  },
  // Values PostgreSQL cannot store: each is a 400 naming the field, never a 500.
  {
    name: 'lone high surrogate in entityName',
    body: { ...UPDATE, entityName: 'x\ud800' },
    status: 400,
    says: /entityName must be valid Unicode/,
  },
  {
    name: 'lone low surrogate in tenantName',
    body: { ...UPDATE, tenantName: '\udc00Data' },
    status: 400,
    says: /tenantName must be valid Unicode/,
  },
  {
    name: 'reversed surrogate pair in teamName',
    body: { ...UPDATE, teamName: 'PGM\udc00\ud800' },
    status: 400,
    says: /teamName must be valid Unicode/,
  },
  {
    name: 'lone surrogate in a details string',
    body: { ...UPDATE, details: { log: ['ok', 'bad \ud83d'] } },
    status: 400,
    says: /details must be valid Unicode: an unpaired UTF-16 surrogate at details\.log\.1/,
  },
  {
    name: 'lone surrogate in a nested details key',
    body: { ...UPDATE, details: { run: { '\udfff': 1 } } },
    status: 400,
    says: /details must be valid Unicode: an unpaired UTF-16 surrogate at a key in details\.run/,
  },
  {
    name: 'DEL control character in entityName',
    body: { ...UPDATE, entityName: 'table\u007f' },
    status: 400,
    says: /entityName must not contain control characters/,
  },
  {
    name: 'C1 control character in tenantName',
    body: { ...UPDATE, tenantName: 'Data\u0085Engineering' },
    status: 400,
    says: /tenantName must not contain control characters/,
  },
  {
    name: 'observedAt in year 0000',
    body: { ...UPDATE, observedAt: '0000-01-01T00:00:00Z' },
    status: 400,
    says: /observedAt must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z/,
  },
  {
    name: 'observedAt 9999-12-31T23:59:59-14:00 (year 10000 in UTC)',
    body: { ...UPDATE, observedAt: '9999-12-31T23:59:59-14:00' },
    status: 400,
    says: /observedAt must lie between/,
  },
  {
    name: 'observedAt 0001-01-01T00:00:00+01:00 (year 0 in UTC)',
    body: { ...UPDATE, observedAt: '0001-01-01T00:00:00+01:00' },
    status: 400,
    says: /observedAt must lie between/,
  },
  {
    name: 'replace that is not a boolean',
    body: { ...UPDATE, replace: 'yes' },
    status: 400,
    says: /replace must be true or false/,
  },
  // Results from the future would freeze their entity.
  {
    name: 'observedAt 9999-12-31T23:59:59Z (far future)',
    body: { ...UPDATE, observedAt: '9999-12-31T23:59:59Z' },
    status: 400,
    says: /^observedAt: 9999-12-31T23:59:59Z is \d+ s ahead of the server's clock; at most 300 s is accepted/,
  },
  {
    name: 'observedAt 10 minutes ahead',
    body: { ...UPDATE, observedAt: inMinutes(10) },
    status: 400,
    says: /observedAt: .* is (59\d|600) s ahead/,
  },
  {
    name: 'observedAt 10 minutes ahead with replace',
    body: { ...UPDATE, observedAt: inMinutes(10), replace: true },
    status: 400,
    says: /observedAt: .* ahead/,
  },
  // A 1,000-item batch names the item.
  {
    name: '1,000-item batch with a lone surrogate in item 737',
    path: MANY,
    body: batchWith(737, { entityName: 'x\ud800' }),
    status: 400,
    says: /updates\.737\.entityName: entityName must be valid Unicode/,
  },
  {
    name: '1,000-item batch with a year-0000 observedAt in item 12',
    path: MANY,
    body: batchWith(12, { observedAt: '0000-01-01T00:00:00Z' }),
    status: 400,
    says: /updates\.12\.observedAt: observedAt must lie between/,
  },
  {
    name: '1,000-item batch with a far-future observedAt in item 999',
    path: MANY,
    body: batchWith(999, { observedAt: '9999-12-31T23:59:59Z' }),
    status: 400,
    says: /^updates\.999\.observedAt: 9999-12-31T23:59:59Z is \d+ s ahead/,
  },
  {
    name: '1,000-item batch with a NUL in a details key of item 500',
    path: MANY,
    body: batchWith(500, { details: { 'k\u0000': 1 } }),
    status: 400,
    says: /updates\.500\.details: details must not contain NUL/,
  },
  // Idempotency-Key is stored too.
  {
    name: 'Idempotency-Key of 256 characters',
    body: UPDATE,
    headers: { 'idempotency-key': 'k'.repeat(256) },
    status: 400,
    says: /Idempotency-Key must be 1 to 255 printable ASCII characters/,
  },
  {
    name: 'Idempotency-Key with a non-ASCII character',
    body: UPDATE,
    headers: { 'idempotency-key': 'clé' },
    status: 400,
    says: /Idempotency-Key must be 1 to 255 printable ASCII characters/,
  },
];
