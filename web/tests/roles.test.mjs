// Role-aware navigation: each role is offered only the pages and buttons
// the API then allows — partners and reporters no ledger or watchlist pages
// (and, opened by address, a page saying who they are for instead of a
// form that ends in 403), status buttons only for the reporting
// organisation's admins and analysts, and a bank analyst without a ledger
// reads what that means, not a command to type. Screenshots per role in
// test-output/ (desktop and phone).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ENV, launchChromium, startServer } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.CRACKDOWN_SCREENSHOTS ?? resolve(here, '../test-output');

const USERS = [
  ['ana', 'police', 'analyst'],
  ['rita', 'police', 'reporter'],
  ['pat', 'abroad', 'partner'],
  ['bob', 'bank', 'analyst'],
  ['nina', 'ngo', 'analyst'],
];
const LEDGER_PAGES = ['/trail', '/mules', '/freeze'];
const RESTRICTED = [...LEDGER_PAGES, '/watchlists'];

let server;
let origin;
let data;
let browser;

function cli(...args) {
  return execFileSync(BIN, ['--data', data, ...args], { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

function importAs(user, reports) {
  const file = join(data, `${user}.jsonl`);
  writeFileSync(file, reports.map((report) => JSON.stringify(report)).join('\n') + '\n');
  cli('--as', user, 'import', 'reports', file);
}

/// A page signed in as `user`, failing the test on a page error; every
/// API answer is recorded so a test can say none was refused.
async function signedIn(user, viewport = { width: 1366, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  page.answers = [];
  page.on('response', (response) => {
    if (response.url().includes('/api/')) page.answers.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  await page.goto(cli('user', 'signin-link', user, '--public-url', origin).trim());
  await page.waitForURL('**/account?welcome=1');
  return page;
}

async function navLinks(page) {
  return page.locator('header nav a').allInnerTexts();
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  data = mkdtempSync(join(tmpdir(), 'crackdown-roles-'));
  for (const org of new Set(USERS.map(([, org]) => org))) cli('org', 'add', org);
  for (const [name, org, role] of USERS) cli('user', 'add', name, '--org', org, '--role', role);
  importAs('ana', [
    { id: 'a1', text: 'Investment mentor on LINE asked me to deposit USDT into a trading app.', tlp: 'clear', language: 'en' },
    { id: 'a2', text: 'Fake police officer told me to move my savings to a safe account.', tlp: 'amber', language: 'en' },
    { id: 'a3', text: 'The agent on +66 81 234 5678 said to pay into TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE at once.', tlp: 'amber', language: 'en' },
  ]);
  importAs('nina', [{ id: 'n1', text: 'Task job scam: pay a deposit to unlock the next task.', tlp: 'clear', language: 'en' }]);
  importAs('rita', [{ id: 'r1', text: 'Caller said my parcel was held at customs and asked for a fee.', tlp: 'amber', language: 'en' }]);
  ({ server, origin } = await startServer(data));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (data) rmSync(data, { recursive: true, force: true });
});

describe('role-aware navigation', () => {
  test('partners and reporters are offered only pages they may use', async () => {
    const analyst = await signedIn('ana');
    await analyst.goto(`${origin}/dashboard`);
    await analyst.locator('h1').first().waitFor();
    const full = await navLinks(analyst);
    for (const name of ['Triage', 'Money trail', 'Mules', 'Freeze list', 'Watchlists']) assert.ok(full.includes(name), `analyst: ${full}`);
    await shot(analyst, 'role-analyst-dashboard');
    await analyst.context().close();

    for (const user of ['pat', 'rita']) {
      const page = await signedIn(user);
      await page.goto(`${origin}/dashboard`);
      await page.locator('h1').first().waitFor();
      const offered = await navLinks(page);
      assert.deepEqual(offered, ['Dashboard', 'Reports', 'Search', 'Campaigns', 'Account'], `${user} is offered ${offered}`);
      await shot(page, `role-${user}-dashboard`);
      for (const path of RESTRICTED) {
        await page.goto(`${origin}${path}`);
        await page.locator('#not-for-role').waitFor();
        assert.match(await page.locator('#not-for-role').innerText(), /admins and analysts/);
        assert.equal(await page.locator('main form, main input, main select').count(), 0, `${user} ${path}: nothing to fill in`);
      }
      await shot(page, `role-${user}-watchlists`);
      const refused = page.answers.filter((answer) => answer.startsWith('403'));
      assert.deepEqual(refused, [], `${user} was led into refusals`);
      await page.context().close();
    }
  });

  test('status buttons only for the reporting organisation’s admins and analysts', async () => {
    const partner = await signedIn('pat');
    await partner.goto(`${origin}/triage`);
    await partner.locator('#reports tbody tr[data-id]').first().waitFor();
    assert.equal(await partner.getByRole('heading', { name: 'Reports' }).count(), 1);
    assert.equal(await partner.locator('#reports input[type=checkbox]').count(), 0, 'no selection for a partner');
    assert.equal(await partner.getByRole('button', { name: /^Mark / }).count(), 0, 'no status buttons on the queue');
    const id = await partner.locator('#reports tbody tr[data-id]').first().getAttribute('data-id');
    await partner.goto(`${origin}/reports/${id}`);
    await partner.locator('#report-text').waitFor();
    assert.equal(await partner.getByRole('button', { name: /^Mark / }).count(), 0, 'no status buttons on a report');
    await shot(partner, 'role-pat-report');
    await partner.context().close();

    const analyst = await signedIn('ana');
    await analyst.goto(`${origin}/triage`);
    const rows = analyst.locator('#reports tbody tr[data-id]');
    await rows.first().waitFor();
    const own = analyst.locator('#reports tbody tr[data-id]', { has: analyst.locator('input[type=checkbox]') });
    assert.equal(await rows.count(), 5, 'ana reads her organisation’s four reports and the NGO’s CLEAR one');
    assert.equal(await own.count(), 4, 'only her organisation’s reports can be selected');
    const other = analyst.locator('#reports tbody tr', { hasText: 'Task job scam' });
    assert.equal(await other.locator('input[type=checkbox]').count(), 0);
    await analyst.locator('#select-all').check();
    await analyst.getByText('4 selected').waitFor();
    await analyst.getByRole('button', { name: 'Mark triaged' }).click();
    await analyst.getByText('4 of 4 reports marked triaged.').waitFor();
    await shot(analyst, 'role-analyst-triage');
    await analyst.context().close();

    const phone = await signedIn('rita', { width: 390, height: 844 });
    await phone.goto(`${origin}/triage`);
    await phone.locator('#reports tbody tr[data-id]').first().waitFor();
    assert.equal(await phone.locator('#reports tbody tr[data-id]').count(), 1, 'a reporter reads back her own report');
    assert.equal(await phone.getByRole('button', { name: /^Mark / }).count(), 0);
    await shot(phone, 'phone-role-rita-reports');
    await phone.context().close();
  });

  test('a bank analyst without a ledger reads what that means, not a command to type', async () => {
    const page = await signedIn('bob');
    for (const path of LEDGER_PAGES) {
      await page.goto(`${origin}${path}`);
      const message = page.locator('main [role=alert]');
      await message.waitFor();
      const text = await message.innerText();
      assert.match(text, /no ledger yet/, `${path}: ${text}`);
      assert.ok(!/crackdown |`|\.csv/.test(text), `${path}: a command-line instruction on a web page: ${text}`);
    }
    await shot(page, 'role-bob-freeze');
    await page.context().close();
  });
});

describe('search and pivot', () => {
  test('a value written any way finds what the user may read, and every indicator pivots', async () => {
    const analyst = await signedIn('ana');
    await analyst.goto(`${origin}/search`);
    await analyst.locator('#search-q').fill('081-234-5678');
    await analyst.locator('#search-country').fill('th');
    await analyst.getByRole('button', { name: 'Search' }).click();
    await analyst.waitForURL('**/search?q=081-234-5678&country=TH');
    const reports = analyst.locator('#found-reports li a');
    await reports.first().waitFor();
    assert.deepEqual(await reports.allInnerTexts(), ['a3']);
    assert.match(await analyst.locator('#search-read-as').innerText(), /phone.*\+66812345678/);
    await shot(analyst, 'search-phone');
    // From the report, each indicator pivots back to the search.
    await reports.first().click();
    await analyst.waitForURL('**/reports/*');
    const wallet = analyst.locator('#report-indicators a.pivot', { hasText: 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE' });
    await wallet.click();
    await analyst.waitForURL('**/search?q=TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE');
    await analyst.locator('#found-reports li a', { hasText: 'a3' }).waitFor();
    await analyst.context().close();

    // The partner abroad may not read the AMBER report: nothing, and no refusal.
    const partner = await signedIn('pat');
    await partner.goto(`${origin}/search?q=%2B66812345678`);
    await partner.locator('#found-reports p.muted').waitFor();
    assert.equal(await partner.locator('#found-reports li').count(), 0);
    assert.ok(!(await partner.content()).includes('a3'));
    await shot(partner, 'search-partner-nothing');
    await partner.context().close();
  });
});
