import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { From, Healthcheck } from 'dockerfile-ast';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV_SCHEMA } from '../../../src/platform/config.js';
import {
  APP_PORT,
  closeProbeServer,
  ENV_KEYS,
  execForm,
  finalStage,
  imageEnv,
  isPinnedImage,
  lazy,
  parseDockerfile,
  probeStatus,
  readRepoFile,
  repoFileExists,
  repoPath,
} from './manifests.js';

const dockerfile = lazy(parseDockerfile);
const keyword = (k: string) => finalStage(dockerfile()).filter((i) => i.getKeyword() === k);
const readJson = (rel: string) => JSON.parse(readRepoFile(rel)) as Record<string, unknown>;

describe('Dockerfile', () => {
  it('parses, and is multi-stage with named stages', () => {
    const df = dockerfile();
    const froms = df.getFROMs();
    expect(froms.length).toBeGreaterThanOrEqual(3);
    for (const f of froms) expect(f.getBuildStage(), f.toString()).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it('pins every base image that is not one of its own stages, on a Node that satisfies engines', () => {
    const df = dockerfile();
    const stages = new Set(df.getFROMs().map((f) => f.getBuildStage()));
    const external = df.getFROMs().filter((f: From) => !stages.has(f.getImage() ?? ''));
    expect(external.length).toBeGreaterThan(0);
    const engines = (readJson('package.json').engines as { node: string }).node;
    const min = /^>=\s*(\d+)\.(\d+)/.exec(engines);
    expect(min, `root engines.node ${engines}`).not.toBeNull();
    for (const f of external) {
      const image = f.getImage() ?? '';
      expect(isPinnedImage(image), `${image} is pinned`).toBe(true);
      expect(f.getImageName()).toBe('node');
      const [major, minor] = (f.getImageTag() ?? '').split(/[.-]/).map(Number);
      expect(major, image).toBe(Number(min?.[1]));
      expect(minor ?? 0, image).toBeGreaterThanOrEqual(Number(min?.[2]));
    }
  });

  it('installs the pnpm version of packageManager with a frozen lockfile', () => {
    const runs = dockerfile()
      .getInstructions()
      .filter((i) => i.getKeyword() === 'RUN')
      .map((i) => i.getArgumentsContent() ?? '');
    const pm = String(readJson('package.json').packageManager);
    expect(pm).toMatch(/^pnpm@/);
    expect(runs.some((r) => r.includes(`npm i -g ${pm}`))).toBe(true);
    const installs = runs.filter((r) => /\bpnpm install\b/.test(r));
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const r of installs) expect(r).toContain('--frozen-lockfile');
    // One clean install without devDependencies, one build of the web app.
    expect(installs.some((r) => /--prod\b/.test(r))).toBe(true);
    expect(runs.some((r) => r.includes('pnpm --filter @sla/web build'))).toBe(true);
  });

  it('filters only on workspace packages that exist', () => {
    const names = new Set(['shared', 'server', 'web'].map((p) => String(readJson(`${p}/package.json`).name)));
    const text = readRepoFile('Dockerfile');
    const filters = [...text.matchAll(/--filter\s+'?([^\s']+?)(?:\.\.\.)?'?(?=\s)/g)].map((m) => m[1]);
    expect(filters.length).toBeGreaterThan(0);
    for (const f of filters) expect(names, `--filter ${f}`).toContain(f);
  });

  it('copies only files that exist in the build context, and the web build into the runtime stage', () => {
    const copies = dockerfile()
      .getCOPYs()
      .filter((c) => !c.getFlags().some((f) => f.getName() === 'from'));
    for (const c of copies) {
      const args = c.getArguments().map((a) => a.getValue());
      for (const src of args.slice(0, -1)) expect(repoFileExists(src), `COPY ${src}`).toBe(true);
    }
    const fromBuild = keyword('COPY').map((c) => c.getArgumentsContent() ?? '');
    expect(fromBuild.some((a) => /web\/dist\s+\.\/web\/dist$/.test(a))).toBe(true);
  });

  it('ships production settings: NODE_ENV, port, only variables the server knows', () => {
    const env = imageEnv(dockerfile());
    expect(env.NODE_ENV).toBe('production');
    // The server's default is loopback; the image must listen where HEALTHCHECK and -p reach it.
    expect(ENV_SCHEMA.parse({}).HOST).toBe('127.0.0.1');
    expect(env.HOST).toBe('0.0.0.0');
    for (const k of Object.keys(env)) expect(ENV_KEYS, `ENV ${k}`).toContain(k);
    expect(ENV_SCHEMA.parse({}).PORT).toBe(APP_PORT);
    expect(Number(env.PORT ?? APP_PORT)).toBe(APP_PORT);
    expect(keyword('EXPOSE').map((e) => e.getArgumentsContent())).toEqual([String(APP_PORT)]);
  });

  it('runs as a non-root user', () => {
    const users = keyword('USER').map((u) => u.getArgumentsContent() ?? '');
    expect(users.length).toBeGreaterThan(0);
    const last = users.at(-1) ?? '';
    const [user] = last.split(':');
    expect(['root', '0', '']).not.toContain(user);
  });

  it('starts plain Node in exec form on the server bundle the build stage makes', () => {
    const cmds = keyword('CMD');
    expect(cmds).toHaveLength(1);
    expect(keyword('ENTRYPOINT')).toHaveLength(0);
    const argv = execForm(cmds[0]?.getArgumentsContent() ?? '');
    expect(argv, 'CMD is a JSON array').not.toBeNull();
    expect(argv?.[0]).toBe('node');
    // WORKDIR + entry = /app/server/dist/main.js, started the way `pnpm start` starts it.
    const workdir = keyword('WORKDIR').at(-1)?.getArgumentsContent() ?? '';
    const entry = argv?.at(-1) ?? '';
    expect(`${workdir}/${entry}`).toBe('/app/server/dist/main.js');
    const server = readJson('server/package.json');
    expect((server.scripts as Record<string, string>).start).toContain(entry);
    expect((server.scripts as Record<string, string>).build).toBeDefined();
    const runs = dockerfile()
      .getInstructions()
      .filter((i) => i.getKeyword() === 'RUN')
      .map((r) => r.getArgumentsContent() ?? '');
    expect(runs.some((r) => r.includes('pnpm --filter @sla/server build'))).toBe(true);
  });

  it('has its entry and bundle script in the repository', () => {
    expect(repoFileExists('server/src/main.ts')).toBe(true);
    expect(repoFileExists('server/scripts/build.mjs')).toBe(true);
  });

  describe('HEALTHCHECK', () => {
    const healthcheck = () => keyword('HEALTHCHECK')[0] as Healthcheck | undefined;
    const probeArgv = () => execForm((healthcheck()?.getArgumentsContent() ?? '').replace(/^CMD\s+/, ''));

    afterAll(closeProbeServer);

    it('is exec form, probes a liveness route the server has', async () => {
      expect(keyword('HEALTHCHECK')).toHaveLength(1);
      expect(healthcheck()?.getSubcommand()?.getValue()).toBe('CMD');
      const argv = probeArgv();
      expect(argv?.slice(0, 2)).toEqual(['node', '-e']);
      const url = /\/api\/[\w/.-]+/.exec(argv?.[2] ?? '')?.[0];
      expect(url).toBe('/api/health/live');
      expect(await probeStatus(url ?? '')).toBe(200);
    });

    // The probe script itself runs: 0 on 200, 1 on 503 and when nothing listens.
    const runProbe = (port: number) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, (probeArgv() ?? []).slice(1), {
          env: { ...process.env, PORT: String(port) },
          stdio: 'ignore',
        });
        child.on('exit', (code) => resolve(code));
      });
    const serve = (status: number) =>
      new Promise<http.Server>((resolve) => {
        const seen: string[] = [];
        const s = http.createServer((req, res) => {
          seen.push(req.url ?? '');
          res.statusCode = req.url === '/api/health/live' ? status : 404;
          res.end();
        });
        s.listen(0, '127.0.0.1', () => resolve(s));
      });

    it('exits 0 when /api/health/live answers 200, 1 otherwise', async () => {
      const ok = await serve(200);
      const down = await serve(503);
      try {
        expect(await runProbe((ok.address() as AddressInfo).port)).toBe(0);
        expect(await runProbe((down.address() as AddressInfo).port)).toBe(1);
      } finally {
        ok.close();
        down.close();
      }
      const closed = await serve(200);
      const port = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      expect(await runProbe(port)).toBe(1);
    });
  });
});

describe('.dockerignore', () => {
  const patterns = lazy(() =>
    readFileSync(repoPath('.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
  // Docker's matcher in brief: `**` any number of directories, `*` within one, and a
  // match on a directory excludes everything below it.
  const toRegex = (p: string) =>
    new RegExp(
      `^${p
        .replace(/^\//, '')
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '<any-dirs>')
        .replace(/\*\*/g, '.*')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replace(/<any-dirs>/g, '(.*/)?')}(/.*)?$`,
    );
  const excluded = (file: string) => {
    let out = false;
    for (const p of patterns()) {
      if (p.startsWith('!')) {
        if (toRegex(p.slice(1)).test(file)) out = false;
      } else if (toRegex(p).test(file)) out = true;
    }
    return out;
  };

  it.each([
    'node_modules/x/index.js',
    'server/node_modules/tsx/package.json',
    '.git/HEAD',
    '.data/pg/PG_VERSION',
    'server/.data/x',
    'web/dist/index.html',
    'server/test/deploy/k8s.test.ts',
    'web/test/app.test.tsx',
    'shared/src/status.test.ts',
    'coverage/index.html',
    'web/bench/render.ts',
    'test-artifacts/trace.zip',
    '.env',
  ])('leaves out %s', (file) => {
    expect(excluded(file)).toBe(true);
  });

  it.each([
    'package.json',
    'pnpm-lock.yaml',
    'pnpm-workspace.yaml',
    'tsconfig.base.json',
    'server/package.json',
    'server/tsconfig.json',
    'server/src/platform/config.ts',
    'server/src/main.ts',
    'shared/src/index.ts',
    'web/package.json',
    'web/index.html',
    'web/src/main.tsx',
  ])('keeps %s', (file) => {
    expect(excluded(file)).toBe(false);
  });
});
