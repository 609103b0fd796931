import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { type Chromium, findChromium } from './chromium';

const require = createRequire(import.meta.url);
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

/**
 * Headless Chromium for the browser tests and the bench: the system's, or the one bundled
 * with the dev dependencies (see findChromium; `CHROMIUM_PATH=bundled` forces it), or the
 * one given. Throws when no Chromium can be found or it fails to start.
 */
export async function launchBrowser(given?: Chromium): Promise<Browser> {
  const found = given ?? (await findChromium());
  return chromium.launch({
    executablePath: found.executablePath,
    headless: true,
    // One locale whatever the machine's: the bundled headless shell takes it from LANG (C.UTF-8
    // there gives "en-US@posix", which Intl rejects), Debian's chromium from --lang.
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8', ...found.env },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=en-US',
    ],
  });
}

export type Opened = { context: BrowserContext; page: Page; errors: string[] };

/** A fresh context (own cookies and storage) with page errors collected for assertions. */
export async function openPage(
  browser: Browser,
  url: string,
  opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark'; bypassCSP?: boolean } = {},
): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    colorScheme: opts.colorScheme ?? 'light',
    // Only for injecting axe-core: the app itself must run under the server's CSP.
    bypassCSP: opts.bypassCSP ?? false,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { context, page, errors };
}

let axeSource: string | null = null;

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: string[] };

/** Serious and critical axe-core violations on the current page. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => String(n.target)),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Presses Tab until the focused element matches, like a keyboard user looking for a control. */
export async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** An element's text (textContent, so visually hidden labels count too). */
export const text = async (locator: Locator): Promise<string> => (await locator.textContent()) ?? '';
