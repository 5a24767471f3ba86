// The page in headless Chromium (Debian's chromium + playwright-core): loads clean, the example scores, MLflow's errors show, CSV uploads score, keyboard and phone width work.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { ROOT } from '../helpers/cli.js';
import type { ServerHandle } from '../../src/serve.js';
import type { BrowserContext, Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots land here (ignored by git). */
const OUT = join(ROOT, 'test-output/page');
/** The page's own code (HTML, CSS, JavaScript) stays small. */
const PAGE_BUDGET_BYTES = 64 * 1024;

interface PageCase {
  readonly name: string;
  readonly model: string;
  /** The CSV file uploaded. */
  readonly csv: string;
  /** Text the answer to the prefilled example shows. */
  readonly expect: RegExp;
}

const CASES: readonly PageCase[] = [
  { name: 'iris', model: 'examples/iris', csv: 'input\n"[5.1, 3.5, 1.4, 0.2]"\n"[6.7, 3.0, 5.2, 2.3]"\n', expect: /probabilities/ },
  { name: 'js-linear', model: 'examples/js-linear', csv: 'x1,x2\n1,2\n3,4\n', expect: /prediction/ },
  { name: 'columns', model: 'test/conformance/models/echo_cols', csv: 'c_double,c_float,c_long,c_int,c_bool,c_str,c_bin,c_dt\n1.5,2.5,3,4,True,s,aGVsbG8=,2024-01-02T03:04:05\n', expect: /c_dt/ },
  { name: 'tensor', model: 'test/conformance/models/echo_tensor', csv: 'a,b,c\n1,2,3\n', expect: /prediction|0/ },
  { name: 'chat', model: 'test/conformance/models/echo_chat', csv: 'messages\n"[{""role"": ""user"", ""content"": ""hi""}]"\n', expect: /echo: Hello!/ },
];

const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install chromium); browser tests skipped`;

describe('the page in headless Chromium', { skip }, () => {
  let context: BrowserContext;
  let profile: string;
  before(async () => {
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(join(tmpdir(), 'mlserve-chromium-'));
    mkdirSync(OUT, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  /** Opens the page of a server; collects console errors and uncaught exceptions. */
  async function open(server: ServerHandle, width = 1280): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => void errors.push(e.message));
    await page.goto(`${server.url}/`);
    await page.locator('#send').waitFor({ state: 'visible' });
    return { page, errors };
  }

  async function send(page: Page): Promise<void> {
    const before = await page.locator('#result .answer').count();
    await page.click('#send');
    if (before) await page.waitForFunction(() => document.querySelector('#result')?.getAttribute('aria-busy') === null);
    await page.locator('#result .answer').waitFor();
  }

  for (const c of CASES) {
    it(`${c.name}: loads without console errors, scores the example, shows MLflow's error, scores an uploaded CSV`, async (t) => {
      const server = await startServer(join(ROOT, c.model), { workers: 1 });
      const { page, errors } = await open(server);
      try {
        // The prefilled example scores and the answer appears, with latency and curl.
        await send(page);
        assert.equal(await page.locator('#result .badge').innerText(), '200 OK');
        assert.match(await page.locator('#result').innerText(), c.expect);
        assert.match(await page.locator('#result .latency').innerText(), /^\d+(\.\d)? ms$/);
        assert.match(await page.locator('#curl').innerText(), /^curl -s -X POST 'http:\/\/127\.0\.0\.1:\d+\/invocations'/);
        assert.deepEqual(errors, [], 'no console errors while loading and scoring');
        await page.screenshot({ path: join(OUT, `${c.name}.png`), fullPage: true });
        t.diagnostic(`screenshot: ${join(OUT, `${c.name}.png`)}`);

        // An invalid input shows MLflow's error code and message.
        await page.locator('input[name=mode][value=json]').check();
        await page.fill('#json-body', '{"dataframe_split": {"columns": ["no_such_column"], "data": [[1]]}}');
        await send(page);
        assert.match(await page.locator('#result .badge').innerText(), /^400 /);
        assert.match(await page.locator('#result .error .code').innerText(), /^(INVALID_PARAMETER_VALUE|BAD_REQUEST)$/);
        assert.match(await page.locator('#result .error .message').innerText(), /\S/);
        await page.screenshot({ path: join(OUT, `${c.name}-error.png`), fullPage: true });

        // A CSV file uploads and scores.
        const file = join(profile, `${c.name}.csv`);
        writeFileSync(file, c.csv);
        await page.locator('input[name=mode][value=csv]').check();
        await page.setInputFiles('#csv-file', file);
        await page.waitForFunction((text) => (document.querySelector('#csv-body') as HTMLTextAreaElement).value === text, c.csv);
        await send(page);
        assert.equal(await page.locator('#result .badge').innerText(), '200 OK', await page.locator('#result').innerText());
        await page.screenshot({ path: join(OUT, `${c.name}-csv.png`), fullPage: true });
        assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
      } finally {
        await page.close();
        await server.close();
      }
    });
  }

  it('is usable at 375 px and from the keyboard: no sideways scroll, labelled fields, Tab reaches Send, Ctrl+Enter sends', async () => {
    const server = await startServer(join(ROOT, 'examples/js-linear'), { workers: 1 });
    const { page, errors } = await open(server, 375);
    try {
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page fits 375 px');
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea')].filter((el) => {
          const e = el as HTMLInputElement;
          return !e.labels?.length && !e.getAttribute('aria-label') && !(e.type === 'radio' && e.closest('label'));
        }).length,
      );
      assert.equal(unlabelled, 0);
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.id === 'send');
      }
      assert.ok(reached, 'Tab reaches the Send button');
      await page.fill('input[aria-label="x1, row 1"]', '1');
      await page.fill('input[aria-label="x2, row 1"]', '2');
      await page.fill('#param-0', '10');
      await page.keyboard.press('Control+Enter');
      await page.locator('#result .answer').waitFor();
      assert.match(await page.locator('#result').innerText(), /6\.5/);
      assert.equal(await page.locator('#result').getAttribute('aria-live'), 'polite');
      await page.screenshot({ path: join(OUT, 'js-linear-375px.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      await server.close();
    }
  });

  it(`keeps the page's own code under ${PAGE_BUDGET_BYTES / 1024} KiB`, async (t) => {
    const server = await startServer(join(ROOT, 'examples/js-linear'), { workers: 1 });
    try {
      const names = ['', 'ui/style.css', 'ui/main.js', 'ui/dom.js', 'ui/editors.js', 'ui/answer.js'];
      let raw = 0;
      let gzip = 0;
      for (const name of names) {
        const plain = await fetch(`${server.url}/${name}`, { headers: { 'accept-encoding': 'identity' } });
        assert.equal(plain.status, 200, name);
        raw += (await plain.arrayBuffer()).byteLength;
        const zipped = await fetch(`${server.url}/${name}`, { headers: { 'accept-encoding': 'gzip' } });
        gzip += Number(zipped.headers.get('content-length'));
      }
      t.diagnostic(`page: ${raw} bytes (${gzip} gzipped) in ${names.length} files`);
      assert.ok(raw < PAGE_BUDGET_BYTES, `${raw} bytes`);
    } finally {
      await server.close();
    }
  });
});
