import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMessage } from '../../../src/alerts/channels/send.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../../src/alerts/channels/signature.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, startPod, UPDATE, uniqueSchema } from '../../support/app.js';

type Op = {
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { example?: unknown; schema?: unknown }> };
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema?: { $ref?: string } }> }
  >;
};
type Doc = {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Op>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }>; schemas: Record<string, unknown> };
};

describe('OpenAPI document and docs page', () => {
  const schema = uniqueSchema('ingest_openapi');
  let app: App;
  let doc: Doc;
  beforeAll(async () => {
    app = await startPod({ schema });
    const res = await fetch(`${app.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it('is a valid OpenAPI document', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.servers?.[0]?.url).toBe(`${app.url}/api`);
  });

  it('lists the poller and probe routes', () => {
    expect(doc.paths['/cache/incremental-update']?.post).toBeDefined();
    expect(doc.paths['/cache/incremental-updates']?.post).toBeDefined();
    expect(doc.paths['/cache/status']?.get).toBeDefined();
    expect(doc.paths['/cache/recent-changes']?.get).toBeDefined();
    expect(doc.paths['/health']?.get).toBeDefined();
    expect(doc.paths['/health/ready']?.get?.responses['503']).toBeDefined();
  });

  it('describes bearer auth, the original body as an example, and the error answers', async () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ingest = doc.paths['/cache/incremental-update']?.post as Op;
    expect(ingest.security).toEqual([{ bearerAuth: [] }]);
    const body = ingest.requestBody?.content['application/json'];
    expect(body?.example).toEqual(UPDATE);
    expect(doc.paths['/cache/incremental-updates']?.post?.requestBody?.content['application/json']?.example).toEqual({
      updates: [UPDATE],
    });
    for (const code of ['400', '401', '403', '413', '415', '429', '503'])
      expect(ingest.responses[code]?.content?.['application/json']?.schema, code).toBeDefined();
    for (const code of ['429', '503']) expect(ingest.responses[code]?.headers?.['Retry-After'], code).toBeDefined();

    // The example is a body the server accepts, and each documented schema reference resolves.
    const api = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as Doc;
    const errorSchema =
      api.paths['/cache/incremental-update']?.post?.responses['415']?.content?.['application/json']?.schema;
    expect(errorSchema).toMatchObject({ type: 'object', required: ['code', 'message'] });
    const r = await fetch(`${app.url}/api/cache/incremental-update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body?.example),
    });
    expect(r.status).toBe(200);
  });

  it('documents the retry contract: Idempotency-Key, 422, replace and the future-skew limit', () => {
    for (const path of ['/cache/incremental-update', '/cache/incremental-updates']) {
      const op = doc.paths[path]?.post as Op & {
        description?: string;
        parameters?: { name: string; in: string; required?: boolean }[];
      };
      expect(op.parameters, path).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
      expect(op.parameters?.find((p) => p.name === 'Idempotency-Key')?.required ?? false).toBe(false);
      for (const code of ['400', '401', '403', '422', '429', '503'])
        expect(op.responses[code], `${path} ${code}`).toBeDefined();
      expect(op.description).toMatch(/replace: true/);
      expect(op.description).toMatch(/at most 300 s ahead/);
      expect(op.description).toMatch(/outcome is unknown.*same Idempotency-Key/);
    }
    const update = doc.components.schemas.IncrementalUpdate as { properties?: Record<string, unknown> } | undefined;
    const body =
      update?.properties ??
      (
        doc.paths['/cache/incremental-update']?.post?.requestBody?.content['application/json']?.schema as {
          properties?: Record<string, unknown>;
        }
      )?.properties;
    expect(body?.replace).toBeDefined();
  });

  it('documents the alert webhook (OpenAPI 3.1 webhooks): the message schema and the signature headers', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const api = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as {
      webhooks?: Record<string, { post?: Op & { parameters?: { name: string; in: string; description?: string }[] } }>;
    };
    const post = api.webhooks?.alert?.post;
    expect(post).toBeDefined();
    const headers = (post?.parameters ?? []).filter((p) => p.in === 'header');
    expect(headers.map((p) => p.name)).toEqual([DELIVERY_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER]);
    const signature = headers.find((p) => p.name === SIGNATURE_HEADER)?.description ?? '';
    expect(signature).toMatch(/HMAC-SHA256/);
    expect(signature).toMatch(/<X-SLA-Timestamp>\.<raw body>/);
    // The body schema is the shared ZAlertMessage: a real message (the "send test" one) fits it.
    const schema = post?.requestBody?.content['application/json']?.schema as Record<string, unknown>;
    expect(schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['deliveryId', 'changes']) });
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const message = testMessage({ name: 'hook', tenantName: 'Acme' }, new Date());
    expect(validate(message), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...message, changes: 'none' })).toBe(false);
  });

  it('serves a docs page that loads only local assets', async () => {
    const res = await fetch(`${app.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThanOrEqual(2);
    for (const ref of refs) expect(ref, ref).toMatch(/^\/(?!\/)/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(refs).toContain('/api/docs/swagger-ui-bundle.js');
    for (const ref of refs) {
      const asset = await fetch(`${app.url}${ref}`);
      expect(asset.status, ref).toBe(200);
      await asset.arrayBuffer();
    }
    const bundle = await fetch(`${app.url}/api/docs/swagger-ui-bundle.js`);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });
});
