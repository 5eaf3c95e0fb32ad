// The "Watchlists & alerts" page in headless Chromium against the real
// `crackdown serve`: an analyst adds an entry, a matching report arrives
// through the API, and the alert appears. Screenshot: test-output/watchlists.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ENV, launchChromium } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.CRACKDOWN_SCREENSHOTS ?? resolve(here, '../test-output');
let data;
let server;
let origin;
let browser;
let token;

const cli = (...args) =>
  execFileSync(BIN, ['--data', data, ...args], { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  data = mkdtempSync(join(tmpdir(), 'crackdown-watch-'));
  cli('org', 'add', 'bank');
  cli('user', 'add', 'fraud', '--org', 'bank', '--role', 'analyst');
  token = JSON.parse(cli('--as', 'fraud', 'token', 'create', '--json')).secret;
  server = spawn(BIN, ['--data', data, 'serve', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'], env: ENV });
  origin = await new Promise((found, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${seen}`)), 20000);
    server.stderr.on('data', (chunk) => {
      seen += chunk;
      const match = seen.match(/UI at (http:\/\/localhost:\d+)\//);
      if (match) {
        clearTimeout(timer);
        found(match[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${seen}`)));
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (data) rmSync(data, { recursive: true, force: true });
});

test('an analyst watches a phone number and sees the alert of a matching report', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(cli('user', 'signin-link', 'fraud', '--public-url', origin).trim());
  await page.waitForURL('**/account?welcome=1');
  await page.getByRole('link', { name: 'Watchlists' }).click();
  await page.getByRole('heading', { name: 'Watchlists & alerts' }).waitFor();
  await page.locator('#no-alerts').waitFor();

  await page.getByLabel('Kind').selectOption('regex');
  await page.getByLabel('Value').fill('(unclosed');
  await page.getByRole('button', { name: 'Add to watchlist' }).click();
  await page.getByRole('alert').filter({ hasText: 'unclosed' }).waitFor();

  await page.getByLabel('Kind').selectOption('exact');
  await page.getByLabel('Value').fill('+66 81 234 5678');
  await page.getByLabel('Label (optional)').fill('mule hotline');
  await page.getByRole('button', { name: 'Add to watchlist' }).click();
  await page.locator('#entries').getByText('+66812345678').waitFor();

  const response = await fetch(`${origin}/api/v1/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'They told me to call +66 81-234-5678 and pay the release fee in USDT.', tlp: 'amber' }),
  });
  assert.equal(response.status, 200);
  const [reportId] = (await response.json()).ids;

  await page.getByRole('button', { name: 'Refresh alerts' }).click();
  const row = page.locator('#alerts tbody tr').first();
  await row.locator('code', { hasText: '+66812345678' }).waitFor();
  assert.equal(await row.getByRole('link').textContent(), `#${reportId}`);
  assert.match(await row.textContent(), /mule hotline/);
  await page.screenshot({ path: join(SHOTS, 'watchlists.png'), fullPage: true });

  await page.getByRole('button', { name: 'Remove exact +66812345678' }).click();
  await page.locator('#no-entries').waitFor();
  await context.close();
});
