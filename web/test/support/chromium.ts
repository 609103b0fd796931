import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
const run = promisify(execFile);

/** Debian's package; preferred when installed, as CI machines set up by `.ci/run` have it. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export type Chromium = {
  /** Absolute path of the browser binary. */
  executablePath: string;
  /** Where it came from: CHROMIUM_PATH, the system package, or `@sparticuz/chromium`. */
  source: 'CHROMIUM_PATH' | 'system' | 'bundled';
  /** Extra environment for the browser process (the bundled one's fonts). */
  env: Record<string, string>;
};

const executable = (path: string) =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

/**
 * The Chromium the browser tests and the dashboard bench drive; a browser is never downloaded.
 * `CHROMIUM_PATH=<file>` uses that binary (and fails if it is not executable);
 * `CHROMIUM_PATH=bundled` forces the Chromium shipped inside the `@sparticuz/chromium` dev
 * dependency (a test-only switch, to prove the suite passes on a machine without a system
 * browser); unset: `/usr/bin/chromium` when executable, else the bundled one, so
 * `pnpm install && pnpm test` needs nothing beyond the project's dependencies.
 * `system` is where the system package would be (a parameter for tests). Throws when the
 * named binary is missing or the bundled one cannot be unpacked.
 */
export async function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  system: string = SYSTEM_CHROMIUM,
): Promise<Chromium> {
  const wanted = env.CHROMIUM_PATH?.trim();
  if (wanted && wanted !== 'bundled') {
    if (!(await executable(wanted))) throw new Error(`CHROMIUM_PATH=${wanted} is not an executable file`);
    return { executablePath: wanted, source: 'CHROMIUM_PATH', env: {} };
  }
  if (!wanted && (await executable(system))) return { executablePath: system, source: 'system', env: {} };
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `No Chromium at ${system}, and the one bundled in @sparticuz/chromium runs only on x86-64 Linux: install Chromium or set CHROMIUM_PATH`,
    );
  return bundledChromium();
}

let unpacking: Promise<Chromium> | null = null;

/**
 * `@sparticuz/chromium` ships a brotli-packed headless Chromium for x86-64 Linux (the npm
 * package carries no other architecture) with the libraries it links beyond glibc (NSS, NSPR,
 * expat; built for Amazon Linux 2023, so glibc 2.34 or newer), which its `executablePath()`
 * and `inflate()` unpack into `os.tmpdir()` (about 2 s, 210 MB). Those libraries always come
 * first on the browser's LD_LIBRARY_PATH, so it runs the same on a machine without them. The package's own check ("/tmp/chromium exists") would hand a second
 * test worker a half-written binary, so unpacking runs once per version in a child process
 * with a private TMPDIR and the finished directory is published with one atomic rename; a
 * worker that loses the race uses the winner's copy.
 */
function bundledChromium(): Promise<Chromium> {
  unpacking ??= (async () => {
    const entry = require.resolve('@sparticuz/chromium');
    const pkg = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
    // Per user: a directory another user unpacked is not theirs to share (mkdtemp makes it 0700).
    const dir = join(tmpdir(), `sla-chromium-${pkg.version}-${process.getuid?.() ?? 0}`);
    const result = (): Chromium => ({
      executablePath: join(dir, 'chromium'),
      source: 'bundled',
      env: {
        LD_LIBRARY_PATH: [join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
        // The package's fonts (Open Sans) and the system's, if any: a bare machine may have none.
        FONTCONFIG_FILE: join(dir, 'fonts.sla.conf'),
      },
    });
    if (await executable(join(dir, 'chromium'))) return result();
    const staging = await mkdtemp(`${dir}.unpacking-`);
    try {
      const script = [
        'const m = await import(process.argv[1]);',
        'await m.default.executablePath();',
        `await m.inflate(process.argv[2]);`,
      ].join(' ');
      const libs = join(dirname(entry), '..', 'bin', 'al2023.tar.br');
      await run(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(entry).href, libs], {
        env: { ...process.env, TMPDIR: staging },
      });
      await writeFile(
        join(staging, 'fonts.sla.conf'),
        `<?xml version="1.0"?>\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
      );
      await rename(staging, dir).catch(async (e: NodeJS.ErrnoException) => {
        // Another worker published first (the target exists and is not empty): use its copy.
        if (!(e.code === 'ENOTEMPTY' || e.code === 'EEXIST') || !(await executable(join(dir, 'chromium')))) throw e;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return result();
  })();
  unpacking.catch(() => {
    unpacking = null;
  });
  return unpacking;
}
