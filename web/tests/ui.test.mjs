// End-to-end tests of the web UI in headless Chromium against the real
// `crackdown serve` on a temporary data directory. Run by scripts/test
// (`npm test` in web/); the binary is CRACKDOWN_BIN or target/debug/crackdown.
// Each page is saved as a screenshot under test-output/ for a person to look at.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ENV, launchChromium } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.CRACKDOWN_SCREENSHOTS ?? resolve(here, '../test-output');

const REPORTS = [
  { id: 'r1', text: 'Investment mentor on WhatsApp +66 81 234 5678 asked me to deposit USDT to TXs9pZ1wQ7mV2aB3cD4eF5gH6jK7LmN8pQ. I lost everything.', tlp: 'green', loss_amount: '25000', loss_currency: 'THB', language: 'en' },
  { id: 'r2', text: 'A fake police officer called and told me to transfer 8,000 baht to a safe account.', tlp: 'amber', loss_amount: '8000', loss_currency: 'THB', language: 'en' },
  { id: 'r3', text: 'Romance scam: he asked for gift cards and then 1,200 USD for a flight ticket.', tlp: 'amber', loss_amount: '1200.50', loss_currency: 'USD', language: 'en' },
  { id: 'r4', text: 'Job offer on Telegram @easyjob_th, pay a deposit to get tasks. Lost 3000 THB.', tlp: 'clear', loss_amount: '3000', loss_currency: 'THB', language: 'th' },
  { id: 'r5', text: 'RED: informant statement naming the compound manager. Restricted.', tlp: 'red', language: 'en' },
  { id: 'r6', text: 'Parcel delivery SMS with link hxxps://thai-post-track[.]com/pay asked for card details.', tlp: 'amber', language: 'en' },
];

let server;
let origin;
let data;
let browser;
let token;

function cli(...args) {
  return execFileSync(BIN, ['--data', data, ...args], { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

function link(user) {
  return cli('user', 'signin-link', user, '--public-url', origin).trim();
}

async function apiGet(path) {
  const response = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, `GET ${path}`);
  return response.json();
}

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function signInWithLink(page, user) {
  await page.goto(link(user));
  await page.waitForURL('**/account?welcome=1');
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  data = mkdtempSync(join(tmpdir(), 'crackdown-ui-'));
  cli('org', 'add', 'police');
  cli('org', 'add', 'abroad');
  cli('user', 'add', 'ana', '--org', 'police', '--role', 'analyst');
  cli('user', 'add', 'pat', '--org', 'abroad', '--role', 'partner');
  const file = join(data, 'reports.jsonl');
  writeFileSync(file, REPORTS.map((report) => JSON.stringify(report)).join('\n') + '\n');
  cli('--as', 'ana', 'import', 'reports', file, '--recipient', 'ana');
  token = JSON.parse(cli('--as', 'ana', 'token', 'create', '--json')).secret;

  server = spawn(BIN, ['--data', data, 'serve', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'], env: ENV });
  origin = await new Promise((resolveOrigin, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${seen}`)), 20000);
    server.stderr.on('data', (chunk) => {
      seen += chunk;
      const found = seen.match(/UI at (http:\/\/localhost:\d+)\//);
      if (found) {
        clearTimeout(timer);
        resolveOrigin(found[1]);
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

describe('sign-in', () => {
  test('a one-time link signs in once and offers a passkey', async () => {
    const page = await newPage();
    const url = link('ana');
    await page.goto(url);
    await page.waitForURL('**/account?welcome=1');
    assert.equal(new URL(page.url()).hash, '', 'the code is removed from the address bar');
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    await page.getByRole('button', { name: 'Add a passkey' }).waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'crackdown_session');
    assert.ok(session, 'a session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(session.secure, true);
    await shot(page, 'account');

    const again = await newPage();
    await again.goto(url);
    await again.getByRole('heading', { name: 'This sign-in link does not work' }).waitFor();
    await again.context().close();
    await page.context().close();
  });

  test('a passkey is registered and then signs in (virtual authenticator)', async () => {
    const page = await newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    await signInWithLink(page, 'ana');
    await page.getByLabel('Name for this passkey').fill('test laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey added').waitFor();
    await page.locator('#passkeys').getByText('test laptop').waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the authenticator holds the new credential');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await shot(page, 'login');
    await page.getByLabel('User name').fill('ana');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL('**/dashboard');
    await page.getByText('ana · analyst · police').waitFor();
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.ok(after.credentials[0].signCount >= 1, 'the passkey signed');
    await page.context().close();
  });

  test('staff pages send a visitor without a session to the sign-in page', async () => {
    const page = await newPage();
    await page.goto(`${origin}/triage`);
    await page.waitForURL('**/login?next=%2Ftriage');
    await page.context().close();
  });
});

describe('workspace', () => {
  test('the dashboard charts what the analyst may read', async () => {
    const page = await newPage();
    await signInWithLink(page, 'ana');
    const started = Date.now();
    await page.goto(`${origin}/dashboard`);
    await page.locator('svg.chart').first().waitFor();
    const elapsed = Date.now() - started;
    assert.equal(await page.locator('.tile-value').first().textContent(), String(REPORTS.length));
    assert.ok(await page.locator('figcaption', { hasText: 'Losses in THB by channel' }).isVisible());
    const byChannel = page.getByRole('img', { name: 'Losses in THB by channel' });
    assert.ok(await byChannel.locator('text.value', { hasText: '36,000.00 THB (3 reports)' }).isVisible(), 'exact THB total');
    assert.ok(elapsed < 5000, `dashboard took ${elapsed} ms`);
    await shot(page, 'dashboard');
    await page.context().close();
  });

  test('triage filters and changes the status of selected reports in bulk', async () => {
    const page = await newPage();
    await signInWithLink(page, 'ana');
    await page.goto(`${origin}/triage`);
    await page.getByLabel('Status', { exact: true }).selectOption('new');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL('**/triage?status=new');
    const rows = page.locator('#reports tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), REPORTS.length);
    await shot(page, 'triage');
    const ids = [];
    for (const index of [0, 1]) {
      const row = rows.nth(index);
      ids.push(Number(await row.getAttribute('data-id')));
      await row.getByRole('checkbox').check();
    }
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Mark triaged' }).click();
    await page.getByText('2 of 2 reports marked triaged.').waitFor();
    for (const id of ids) {
      const report = await apiGet(`/api/v1/reports/${id}`);
      assert.equal(report.status, 'triaged');
      const history = await apiGet(`/api/v1/reports/${id}/audit`);
      assert.ok(history.some((entry) => entry.action === 'report.status' && entry.detail.to === 'triaged'));
    }
    await page.context().close();
  });

  test('report detail shows text, TLP, loss and history', async () => {
    const page = await newPage();
    await signInWithLink(page, 'ana');
    const { items } = await apiGet('/api/v1/reports?q=investment');
    const id = items[0].id;
    await page.goto(`${origin}/reports/${id}`);
    await page.getByRole('heading', { name: `Report #${id}` }).waitFor();
    assert.match(await page.locator('#report-text').textContent(), /Investment mentor on WhatsApp/);
    assert.equal(await page.locator('h1 .tlp').textContent(), 'TLP:GREEN');
    assert.ok(await page.getByText('25,000.00 THB').isVisible());
    // The history loads after the page is drawn: wait for it rather than race it.
    await page.locator('#history li', { hasText: /report\.create by ana/ }).first().waitFor();
    const analysis = items[0].analysis;
    if (analysis?.indicators?.length) {
      assert.equal(await page.locator('mark.ind').count(), analysis.indicators.length);
    }
    await page.getByRole('button', { name: 'Mark closed' }).click();
    await page.getByText('Marked closed.').waitFor();
    await page.locator('#history li', { hasText: 'report.status' }).waitFor();
    await shot(page, 'report');
    await page.context().close();
  });

  test('a partner of another organisation cannot open a RED report', async () => {
    const { items } = await apiGet('/api/v1/reports?tlp=red');
    assert.equal(items.length, 1);
    const page = await newPage();
    await signInWithLink(page, 'pat');
    await page.goto(`${origin}/reports/${items[0].id}`);
    await page.getByRole('heading', { name: 'Report not found' }).waitFor();
    await page.goto(`${origin}/triage`);
    await page.locator('#reports tbody tr').first().waitFor();
    assert.equal(await page.locator('#reports tbody tr[data-id]').count(), 1, 'only the CLEAR report');
    await page.context().close();
  });
});

describe('public pages', () => {
  test('the language switch translates the public pages and is remembered', async () => {
    const page = await newPage();
    await page.goto(`${origin}/check`);
    await page.getByRole('heading', { name: 'Check before you pay' }).waitFor();
    await shot(page, 'check-en');
    for (const [code, heading] of [
      ['th', 'ตรวจสอบก่อนโอนเงิน'],
      ['my', 'ငွေမပေးချေမီ စစ်ဆေးပါ'],
      ['zh', '付款前先核查'],
    ]) {
      await page.locator('#lang').selectOption(code);
      await page.getByRole('heading', { name: heading }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), code);
      await shot(page, `check-${code}`);
    }
    await page.reload();
    await page.getByRole('heading', { name: '付款前先核查' }).waitFor();
    await page.getByRole('link', { name: '举报诈骗' }).click();
    await page.getByRole('heading', { name: '举报诈骗' }).waitFor();
    await shot(page, 'report-scam-zh');
    await page.locator('#lang').selectOption('en');
    await shot(page, 'report-scam-en');
    await page.context().close();
  });

  test('the public pages work from the keyboard alone', async () => {
    const page = await newPage();
    await page.goto(`${origin}/check`);
    await page.getByRole('heading', { name: 'Check before you pay' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip', 'the skip link comes first');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => location.hash), '#main');
    // From the main content, Tab reaches the field; Enter submits the form.
    let focused = '';
    for (let step = 0; step < 10 && focused !== 'q'; step++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.id ?? '');
    }
    assert.equal(focused, 'q', 'Tab reaches the lookup field');
    await page.keyboard.type('+66 81 234 5678');
    await page.keyboard.press('Enter');
    await page.locator('#check-result p').first().waitFor();

    // The report form: every control reachable, labels tied to fields.
    await page.goto(`${origin}/report-scam`);
    const ids = [];
    for (let step = 0; step < 20; step++) {
      await page.keyboard.press('Tab');
      ids.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
    }
    for (const id of ['text', 'amount', 'currency', 'contact', 'consent-share', 'consent-publish']) {
      assert.ok(ids.includes(id), `Tab reaches #${id}: ${ids.join(' ')}`);
      const label = await page.locator(`label[for="${id}"]`).count();
      assert.equal(label, 1, `#${id} has a label`);
    }
    await page.context().close();
  });

  test('public lookup answers for a reported handle, and only from publishable reports', async () => {
    const page = await newPage();
    await page.goto(`${origin}/check`);
    await page.locator('#q').fill('t.me/EasyJob_TH');
    await page.locator('form button[type=submit]').first().click();
    await page.getByText('Reported as a scam', { exact: false }).waitFor();
    assert.ok(await page.getByText('@easyjob_th').isVisible(), 'the normalized handle is shown');
    await shot(page, 'check-reported');
    // The phone appears only in a GREEN report: not public, so not reported.
    await page.locator('#q').fill('+66 81 234 5678');
    await page.locator('form button[type=submit]').first().click();
    await page.getByText('No reports found', { exact: false }).waitFor();
    const answer = await (await fetch(`${origin}/api/v1/lookup?q=${encodeURIComponent('+66 81 234 5678')}`)).json();
    assert.equal(answer.reported, false);
    assert.equal(answer.normalized, '+66812345678');
    const reported = await (await fetch(`${origin}/api/v1/lookup?q=${encodeURIComponent('@easyjob_th')}`)).text();
    assert.ok(!reported.includes('Job offer') && !reported.includes('r4'), `no text or id in ${reported}`);
    assert.equal((await fetch(`${origin}/api/v1/lookup?q=`)).status, 400);
    await page.context().close();
  });
  test('a public report is submitted and gets a receipt', async () => {
    const page = await newPage();
    await page.goto(`${origin}/report-scam`);
    await page.locator('#text').fill('A woman on LINE said she was a crypto mentor and asked me to deposit USDT');
    await page.locator('#amount').fill('1500');
    await page.locator('#consent-share').check();
    await page.locator('#form-submit, form button[type=submit]').first().click();
    const receipt = page.locator('#receipt', { hasText: /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/ });
    await receipt.waitFor();
    await shot(page, 'report-scam-receipt');
    await page.context().close();
  });
});
