import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, uniqueSchema } from '../../support/app.js';
import { bearer, counts, oneOff, request, startPolicyPod, TOKENS, trpc } from './fixture.js';

const schema = uniqueSchema('window_auth');
let pod: App;
beforeAll(async () => {
  pod = await startPolicyPod(schema);
});
afterAll(async () => {
  await pod?.close();
  await dropSchema(schema);
});

/** Who calls, and what a write for tenant Data Engineering answers them. */
const MATRIX: [string, number, Record<string, string>][] = [
  ['no token', 401, {}],
  ['an unknown token', 401, bearer('nobody-knows-this')],
  ['an ingest token', 403, bearer(TOKENS.ingest)],
  ["another tenant's admin", 403, bearer(TOKENS.finance)],
  ["the tenant's admin", 200, bearer(TOKENS.engineering)],
  ['an admin of all tenants', 200, bearer(TOKENS.root)],
];

describe('window writes need an admin of the window’s tenant', () => {
  it.each(MATRIX)('POST /api/windows with %s answers %i, writing only when allowed', async (_, status, headers) => {
    const before = await counts(schema);
    const r = await request(pod.url, 'POST', '/api/windows', oneOff(), headers);
    expect(r.status, r.text).toBe(status);
    const after = await counts(schema);
    if (status === 200) {
      expect(after.windows).toBe(before.windows + 1);
      expect(after.audit).toBe(before.audit + 1);
    } else {
      expect(after).toEqual(before);
      expect(r.json.code).toBe(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
    }
  });

  it.each(MATRIX)('tRPC windows.create with %s answers %i', async (_, status, headers) => {
    const before = await counts(schema);
    const r = await trpc(pod.url, 'windows.create', oneOff(), headers);
    expect(r.status, r.text).toBe(status);
    if (status !== 200) expect(await counts(schema)).toEqual(before);
  });

  it.each(MATRIX)('PATCH and DELETE /api/windows/{id} with %s answer %i', async (_, status, headers) => {
    const created = await request(pod.url, 'POST', '/api/windows', oneOff(), bearer(TOKENS.root));
    const id = created.json.id as number;
    const before = await counts(schema);
    const patched = await request(pod.url, 'PATCH', `/api/windows/${id}`, { reason: 'moved' }, headers);
    expect(patched.status, patched.text).toBe(status);
    const deleted = await request(pod.url, 'DELETE', `/api/windows/${id}`, undefined, headers);
    expect(deleted.status, deleted.text).toBe(status);
    const after = await counts(schema);
    expect(after.audit).toBe(before.audit + (status === 200 ? 2 : 0));
    const listed = await request(pod.url, 'GET', '/api/windows?includeEnded=true');
    const ids = (listed.json.items as { id: number }[]).map((w) => w.id);
    expect(ids.includes(id)).toBe(status !== 200);
  });

  it('the tenant named in the 403 is the window’s', async () => {
    const r = await request(pod.url, 'POST', '/api/windows', oneOff(), bearer(TOKENS.finance));
    expect(r.json.message).toContain('"Data Engineering"');
    expect(r.json.message).toContain('fin-admin');
  });
});

describe('the dashboard’s admin session', () => {
  let cookie: string;
  beforeAll(async () => {
    const signIn = await trpc(pod.url, 'auth.signIn', { token: TOKENS.engineering }, { origin: pod.url });
    expect(signIn.status, signIn.text).toBe(200);
    cookie = String(signIn.headers.get('set-cookie')).split(';')[0] as string;
  });

  it('tells the web app it is an admin, and of which tenants', async () => {
    const r = await trpc(pod.url, 'auth.session', undefined, { cookie }, true);
    expect((r.json.result as { data: unknown }).data).toEqual({
      required: false,
      signedIn: true,
      admin: { name: 'de-admin', tenants: ['Data Engineering'] },
    });
    const anonymous = await trpc(pod.url, 'auth.session', undefined, {}, true);
    expect((anonymous.json.result as { data: { admin: unknown } }).data.admin).toBeNull();
  });

  it('writes from the server’s own origin as JSON, over tRPC and REST', async () => {
    const same = { cookie, origin: pod.url, 'sec-fetch-site': 'same-origin' };
    const viaTrpc = await trpc(pod.url, 'windows.create', oneOff({ reason: 'from the dashboard' }), same);
    expect(viaTrpc.status, viaTrpc.text).toBe(200);
    const created = (viaTrpc.json.result as { data: { id: number; createdBy: string } }).data;
    expect(created.createdBy).toBe('de-admin');
    const viaRest = await request(pod.url, 'DELETE', `/api/windows/${created.id}`, undefined, same);
    expect(viaRest.status, viaRest.text).toBe(200);
  });

  it('is refused from another origin, as a form, or for another tenant, writing nothing', async () => {
    const created = await request(pod.url, 'POST', '/api/windows', oneOff(), bearer(TOKENS.root));
    const id = created.json.id as number;
    const before = await counts(schema);
    const evil = { cookie, origin: 'https://evil.example' };
    const crossSite = { cookie, 'sec-fetch-site': 'cross-site' };
    expect((await trpc(pod.url, 'windows.create', oneOff(), evil)).status).toBe(403);
    expect((await trpc(pod.url, 'windows.delete', { id }, crossSite)).status).toBe(403);
    expect((await request(pod.url, 'POST', '/api/windows', oneOff(), evil)).status).toBe(403);
    expect((await request(pod.url, 'PATCH', `/api/windows/${id}`, { reason: 'x' }, crossSite)).status).toBe(403);
    expect((await request(pod.url, 'DELETE', `/api/windows/${id}`, undefined, evil)).status).toBe(403);
    const form = await request(pod.url, 'POST', '/trpc/windows.delete', undefined, {
      cookie,
      'content-type': 'text/plain',
    });
    expect(form.status).toBe(415);
    const finance = await trpc(pod.url, 'windows.create', oneOff({ tenantName: 'Finance' }), { cookie });
    expect(finance.status, finance.text).toBe(403);
    expect(await counts(schema)).toEqual(before);
  });
});
