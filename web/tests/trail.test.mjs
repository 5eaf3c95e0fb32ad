// End-to-end tests of the money-trail pages (money trail, mules, freeze
// list) and the dashboard's loss charts, in headless Chromium against the
// real `crackdown serve` with a small seized ledger. The rendered numbers
// are compared with what the API answers. Screenshots go to test-output/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ENV, launchChromium } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.CRACKDOWN_SCREENSHOTS ?? resolve(here, '../test-output');

const MULE = 'GB82WEST12345698765432';
const LEDGER = `tx_id,timestamp,from_account,to_account,amount,currency,channel
t1,2024-01-01T09:00:00Z,B1,${MULE},1000.00,THB,wire
t2,2024-01-02T09:00:00Z,V1,${MULE},5000.00,THB,p2p
t3,2024-01-02T10:00:00Z,${MULE},EXCH1,1000.00,THB,crypto
t4,2024-01-02T11:00:00Z,${MULE},M2,3000.00,THB,p2p
t5,2024-01-02T12:00:00Z,${MULE},CASH1,2000.00,THB,cash
t6,2024-01-02T13:00:00Z,M2,M3,1200.50,THB,p2p
t7,2024-01-02T14:00:00Z,M2,CASH1,1799.50,THB,cash
t8,2024-01-03T09:00:00Z,V9,${MULE},750.25,THB,p2p
t9,2024-01-03T10:00:00Z,${MULE},EXCH1,750.25,THB,crypto
`;
const ACCOUNTS = `account,country,kind
B1,TH,employer
EXCH1,,exchange
CASH1,TH,cash
${MULE},GB,person
`;
const REPORTS = [
  { id: 'p1', text: `I paid 5000 baht to the agent's account GB82 WEST 1234 5698 7654 32 for the investment and he vanished.`, tlp: 'amber', loss_amount: '5750.25', loss_currency: 'THB', language: 'th' },
  { id: 'p2', text: 'Romance scam: he asked for 1,200 USD for a flight ticket via gift cards.', tlp: 'amber', loss_amount: '1200', loss_currency: 'USD', language: 'my' },
];

let server;
let origin;
let data;
let browser;
let token;

function cli(...args) {
  return execFileSync(BIN, ['--data', data, ...args], { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

function fixture(name, text) {
  const path = join(data, name);
  writeFileSync(path, text);
  return path;
}

async function api(path) {
  const response = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, `GET ${path}`);
  return response.headers.get('content-type')?.includes('json') ? response.json() : response.text();
}

async function signedIn() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(cli('user', 'signin-link', 'ana', '--public-url', origin).trim());
  await page.waitForURL('**/account?welcome=1');
  return page;
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/// "1,799.50 THB" -> "1799.50": the rendered amount as the API's decimal.
const decimal = (text) => text.trim().split(' ')[0].replaceAll(',', '');

/// Endpoint account -> amount summed per account, exactly (cents as BigInt).
function byAccount(endpoints) {
  const totals = new Map();
  for (const endpoint of endpoints) {
    const cents = BigInt(endpoint.amount.replace('.', ''));
    totals.set(endpoint.account, (totals.get(endpoint.account) ?? 0n) + cents);
  }
  return new Map([...totals].map(([account, cents]) => [account, (Number(cents) / 100).toFixed(2)]));
}

/// What a flow figure shows at its endpoint nodes: account -> amount.
async function renderedEndpoints(page, rule) {
  const nodes = page.locator(`#flow-${rule} g.node.endpoint`);
  const shown = new Map();
  for (let index = 0; index < (await nodes.count()); index++) {
    const node = nodes.nth(index);
    shown.set(await node.getAttribute('data-account'), decimal(await node.locator('text.amount').textContent()));
  }
  return shown;
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  data = mkdtempSync(join(tmpdir(), 'crackdown-trail-ui-'));
  cli('org', 'add', 'police');
  cli('user', 'add', 'ana', '--org', 'police', '--role', 'analyst');
  cli('--as', 'ana', 'import', 'reports', fixture('reports.jsonl', REPORTS.map((report) => JSON.stringify(report)).join('\n') + '\n'));
  cli('--as', 'ana', 'accounts', 'import', fixture('accounts.csv', ACCOUNTS));
  cli('--as', 'ana', 'ledger', 'import', fixture('ledger.csv', LEDGER));
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

describe('money trail', () => {
  test('the flow shows the API’s endpoint amounts, and switching or comparing rules changes it', async () => {
    const payments = await api('/api/v1/trail/victim-payments');
    assert.deepEqual(payments.map((payment) => payment.tx_id), ['t2', 't8']);
    const page = await signedIn();
    await page.goto(`${origin}/trail`);
    await page.locator('#flow-fifo g.node.endpoint').first().waitFor();
    assert.equal(await page.getByLabel(/Victim payment/).inputValue(), 't2');

    const fifo = await api('/api/v1/trail/trace?tx=t2&rule=fifo');
    assert.deepEqual(await renderedEndpoints(page, 'fifo'), byAccount(fifo.endpoints));
    const table = page.locator('#flow-fifo table.endpoints tbody tr');
    assert.equal(await table.count(), fifo.endpoints.length);
    for (let index = 0; index < fifo.endpoints.length; index++) {
      assert.equal(decimal(await table.nth(index).locator('td.amount').textContent()), fifo.endpoints[index].amount);
    }
    // Hover shows the transfers behind a flow (force: a level path has a
    // zero-height box, which Playwright calls invisible; its stroke is not).
    await page.locator('#flow-fifo path.edge').first().hover({ force: true });
    assert.match(await page.locator('#flow-fifo-detail').textContent(), /→ .*THB in \d+ transfer.*t\d/);
    await shot(page, 'trail-fifo');

    await page.getByLabel('LIFO', { exact: true }).check();
    await page.locator('#flow-lifo g.node.endpoint').first().waitFor();
    const lifo = await api('/api/v1/trail/trace?tx=t2&rule=lifo');
    const lifoShown = await renderedEndpoints(page, 'lifo');
    assert.deepEqual(lifoShown, byAccount(lifo.endpoints));
    assert.notDeepEqual(lifoShown, byAccount(fifo.endpoints), 'the rule changes the flow');
    assert.equal(await page.locator('#flow-fifo').count(), 0);
    assert.match(page.url(), /rule=lifo/);

    await page.getByLabel('Compare with').selectOption('fifo');
    await page.locator('#flow-fifo g.node.endpoint').first().waitFor();
    assert.equal(await page.locator('#flows figure').count(), 2, 'two rules side by side');
    assert.deepEqual(await renderedEndpoints(page, 'fifo'), byAccount(fifo.endpoints));
    await shot(page, 'trail-compare');

    // The keyboard reaches the graph: focusing a node shows its details.
    await page.locator(`#flow-lifo g.node[data-account="${MULE}"]`).focus();
    assert.match(await page.locator('#flow-lifo-detail').textContent(), new RegExp(`${MULE}: passed on, received 5,000.00 THB`));

    await page.getByLabel(/Victim payment/).selectOption('t8');
    await page.locator('#flow-lifo figcaption', { hasText: 't8' }).waitFor();
    const other = await api('/api/v1/trail/trace?tx=t8&rule=lifo');
    assert.deepEqual(await renderedEndpoints(page, 'lifo'), byAccount(other.endpoints));
    await page.context().close();
  });

  test('the mule list renders scores with expandable evidence', async () => {
    const mules = await api('/api/v1/trail/mules?limit=50');
    const page = await signedIn();
    await page.goto(`${origin}/mules`);
    const rows = page.locator('#mules tbody tr[data-account]');
    await rows.first().waitFor();
    assert.equal(await rows.count(), mules.length);
    assert.equal(await rows.first().getAttribute('data-account'), mules[0].account);
    assert.match(await rows.first().locator('td.score').textContent(), new RegExp(mules[0].score.toFixed(3)));
    const toggle = rows.first().locator('button[aria-controls="evidence-0"]');
    assert.equal(await toggle.textContent(), 'Show evidence');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const evidence = page.locator('#evidence-0');
    assert.ok(await evidence.isVisible());
    assert.equal(await evidence.locator('li').count(), mules[0].evidence.length);
    await shot(page, 'mules');
    await page.context().close();
  });

  test('the freeze list downloads as CSV, exactly as the API serves it', async () => {
    const rows = await api('/api/v1/trail/freeze-list?rule=fifo');
    const page = await signedIn();
    await page.goto(`${origin}/freeze`);
    await page.locator('#freeze tbody tr[data-account]').first().waitFor();
    assert.equal(await page.locator('#freeze tbody tr[data-account]').count(), rows.length);
    await shot(page, 'freeze');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'freeze-list-fifo.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    assert.equal(csv, await api('/api/v1/trail/freeze-list?format=csv&rule=fifo'));
    assert.match(csv.split('\n')[0], /^account,kind,country,currency,amount,victims,payments,reasons$/);
    await page.context().close();
  });

  test('the dashboard charts losses by scam type and by country', async () => {
    const stats = await api('/api/v1/stats');
    const page = await signedIn();
    await page.goto(`${origin}/dashboard`);
    await page.locator('figcaption', { hasText: 'Losses by country' }).waitFor();
    assert.ok(await page.locator('figcaption', { hasText: 'Losses by scam type' }).isVisible());
    const th = stats.losses_by_country.find((loss) => loss.key === 'TH');
    assert.equal(th?.amount, '5750.25');
    const byCountry = page.locator('figure', { has: page.locator('figcaption', { hasText: 'Losses by country' }) });
    assert.ok(await byCountry.locator('svg text.value', { hasText: '5,750.25 THB (1 report)' }).isVisible());
    assert.ok(stats.losses_by_country.some((loss) => loss.key === 'MM' && loss.currency === 'USD'), 'USD counts under the language’s country');
    await shot(page, 'dashboard-losses');
    await page.context().close();
  });
});
