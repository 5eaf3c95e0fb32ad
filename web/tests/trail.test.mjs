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
${Array.from({ length: 20 }, (_, i) => `t${10 + i},2024-01-04T09:${String(i).padStart(2, '0')}:00Z,M3,P${String(i + 1).padStart(2, '0')},50.00,THB,p2p`).join('\n')}
t30,2024-01-05T09:00:00Z,P01,M2,20.00,THB,p2p
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

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

async function signedIn(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(cli('user', 'signin-link', 'ana', '--public-url', origin).trim());
  await page.waitForURL('**/account?welcome=1');
  return page;
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/// Screenshots at the desktop size, then at a phone's (the page reflowed).
async function shots(page, name) {
  await page.setViewportSize(DESKTOP);
  await shot(page, `${name}-1366`);
  await page.setViewportSize(PHONE);
  await shot(page, `${name}-390`);
  await page.setViewportSize(DESKTOP);
}

/// Picks a victim payment the way a person does: types into the picker and
/// clicks the listed match.
async function pickPayment(page, typed, tx) {
  const picker = page.getByRole('combobox', { name: /Victim payment/ });
  await picker.fill(typed);
  await page.locator(`#payment-options li[data-tx="${tx}"]`).click();
  await page.locator(`#payment-current[data-tx="${tx}"]`).waitFor();
}

/// Accounts whose endpoint amount differs between two traces.
function differing(a, b) {
  const left = byAccount(a.endpoints);
  const right = byAccount(b.endpoints);
  return [...new Set([...left.keys(), ...right.keys()])].filter((account) => (left.get(account) ?? '0.00') !== (right.get(account) ?? '0.00')).sort();
}

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
    assert.equal(await page.locator('#payment-current').getAttribute('data-tx'), 't2');

    const fifo = await api('/api/v1/trail/trace?tx=t2&rule=fifo');
    assert.deepEqual(await renderedEndpoints(page, 'fifo'), byAccount(fifo.endpoints));
    const table = page.locator('#flow-fifo table.endpoints tbody tr');
    assert.equal(await table.count(), fifo.endpoints.length);
    for (let index = 0; index < fifo.endpoints.length; index++) {
      assert.equal(decimal(await table.nth(index).locator('td.amount').textContent()), fifo.endpoints[index].amount);
      // What to do there comes from the API, never from the account's name.
      assert.ok(['freeze', 'exchange', 'cash_out', 'spent'].includes(fifo.endpoints[index].recovery));
      assert.equal(await table.nth(index).locator('td[data-recovery]').getAttribute('data-recovery'), fifo.endpoints[index].recovery);
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

    await pickPayment(page, '750.25', 't8');
    await page.locator('#flow-lifo figcaption', { hasText: 't8' }).waitFor();
    const other = await api('/api/v1/trail/trace?tx=t8&rule=lifo');
    assert.deepEqual(await renderedEndpoints(page, 'lifo'), byAccount(other.endpoints));
    await page.context().close();
  });

  test('the payment picker finds a payment by amount, date, account or tx id, by mouse or keyboard', async () => {
    const payments = await api('/api/v1/trail/victim-payments');
    const page = await signedIn();
    await page.goto(`${origin}/trail`);
    await page.locator('#flow-fifo g.node.endpoint').first().waitFor();
    assert.equal(await page.locator('select#payment').count(), 0, 'no dropdown of every payment');
    const picker = page.getByRole('combobox', { name: /Victim payment/ });
    const listed = async (typed) => {
      await picker.fill(typed);
      return page.locator('#payment-options li[role="option"]').evaluateAll((items) => items.map((item) => item.dataset.tx));
    };
    // Each way of naming a payment finds exactly the payments it names.
    const amountOf = (tx) => payments.find((payment) => payment.tx_id === tx).amount;
    assert.deepEqual(await listed(amountOf('t8')), ['t8'], 'by exact amount');
    assert.deepEqual(await listed('5,000'), ['t2'], 'by amount written with a thousands separator');
    assert.deepEqual(await listed('2024-01-03'), ['t8'], 'by date');
    assert.deepEqual(await listed('V9'), ['t8'], 'by the victim’s account');
    assert.deepEqual(await listed('t2'), ['t2'], 'by tx id');
    assert.deepEqual(await listed(MULE.slice(0, 8).toLowerCase()), ['t2', 't8'], 'by the receiving account, any case');
    await shots(page, 'trail-picker');
    assert.deepEqual(await listed('no such payment'), []);
    assert.match(await page.locator('#payment-count').textContent(), /0 payments match/);
    // The keyboard: narrow, arrow to the match, Enter draws its trace.
    await picker.fill('2024-01-03');
    await picker.press('ArrowDown');
    await picker.press('Enter');
    await page.locator('#flow-fifo figcaption', { hasText: 't8' }).waitFor();
    assert.equal(await page.locator('#payment-current').getAttribute('data-tx'), 't8');
    assert.match(page.url(), /tx=t8/);
    await page.context().close();
  });

  test('compare mode shows both rules at full width with their differences marked', async () => {
    const lifo = await api('/api/v1/trail/trace?tx=t2&rule=lifo');
    const fifo = await api('/api/v1/trail/trace?tx=t2&rule=fifo');
    const expected = differing(lifo, fifo);
    assert.ok(expected.length > 0, 'the fixture makes the rules disagree');
    const page = await signedIn();
    await page.goto(`${origin}/trail?tx=t2&rule=lifo&compare=fifo`);
    await page.locator('#flow-fifo g.node.endpoint').first().waitFor();
    const container = await page.locator('#flows').boundingBox();
    for (const rule of ['lifo', 'fifo']) {
      const figure = await page.locator(`#flow-${rule}`).boundingBox();
      assert.ok(figure.width >= 0.95 * container.width, `${rule} diagram ${figure.width}px of ${container.width}px`);
    }
    const marked = await page.locator('#flow-differences tbody tr.differs').evaluateAll((rows) => rows.map((row) => row.dataset.account).sort());
    assert.deepEqual(marked, expected, 'the differences table marks exactly the accounts whose amounts differ');
    for (const [rule, trace] of [['lifo', lifo], ['fifo', fifo]]) {
      const nodes = await page.locator(`#flow-${rule} g.node.endpoint.differs`).evaluateAll((items) => items.map((item) => item.dataset.account).sort());
      const present = expected.filter((account) => trace.endpoints.some((endpoint) => endpoint.account === account));
      assert.deepEqual(nodes, present, `${rule}: the diagram marks the differing endpoints it holds`);
    }
    // The differences table shows both amounts exactly as the API gives them.
    const first = page.locator(`#flow-differences tbody tr[data-account="${expected[0]}"] td[data-amount]`);
    assert.deepEqual(await first.evaluateAll((cells) => cells.map((cell) => cell.dataset.amount)), [
      byAccount(lifo.endpoints).get(expected[0]) ?? '0',
      byAccount(fifo.endpoints).get(expected[0]) ?? '0',
    ]);
    await shots(page, 'trail-compare-full-width');
    await page.context().close();
  });

  test('a poison trace is laid out to fit its frame: columns wrap, flows stay inside, wide graphs scroll in their box', async () => {
    const poison = await api('/api/v1/trail/trace?tx=t2&rule=poison');
    assert.ok(poison.endpoints.length >= 20, `poison reaches ${poison.endpoints.length} endpoints`);
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await signedIn(viewport);
      await page.goto(`${origin}/trail?tx=t2&rule=poison`);
      await page.locator('#flow-poison g.node.endpoint').first().waitFor();
      const geometry = await page.evaluate(() => {
        const graph = document.querySelector('#flow-poison-graph');
        const [, , width, height] = graph.getAttribute('viewBox').split(' ').map(Number);
        const columns = new Map();
        for (const rect of graph.querySelectorAll('g.node rect')) {
          const x = rect.getAttribute('x');
          columns.set(x, (columns.get(x) ?? 0) + 1);
        }
        const outside = [...graph.querySelectorAll('path.edge, g.node rect')]
          .map((element) => element.getBBox())
          .filter((box) => box.x < -1 || box.y < -1 || box.x + box.width > width + 1 || box.y + box.height > height + 1).length;
        const scroller = graph.closest('.flow-scroll');
        return {
          columns: [...columns.values()],
          outside,
          boxWidth: scroller.getBoundingClientRect().width,
          mainWidth: document.querySelector('main').getBoundingClientRect().width,
          graphWidth: width,
          scrolls: scroller.scrollWidth > scroller.clientWidth,
          pageWidth: document.documentElement.scrollWidth,
          viewportWidth: innerWidth,
          pageHeight: document.documentElement.scrollHeight,
        };
      });
      await shot(page, `trail-poison-${viewport.width}`);
      assert.ok(geometry.columns.length >= 3, `${geometry.columns.length} columns`);
      assert.ok(Math.max(...geometry.columns) <= 8, `a column of ${Math.max(...geometry.columns)} boxes`);
      assert.equal(geometry.outside, 0, 'flows and boxes inside the frame');
      assert.ok(geometry.boxWidth <= geometry.mainWidth + 1, 'the diagram’s box stays within the page');
      assert.equal(geometry.scrolls, geometry.graphWidth > geometry.boxWidth, 'a wide graph scrolls inside its box');
      assert.ok(geometry.pageWidth <= geometry.viewportWidth, `the page is ${geometry.pageWidth}px wide on a ${geometry.viewportWidth}px screen`);
      assert.ok(geometry.pageHeight < 4000, `the page is ${geometry.pageHeight}px tall`);
      await page.context().close();
    }
  });

  test('report numbers link to the reports, and every reason is explained where it is shown', async () => {
    const [payment] = await api('/api/v1/trail/victim-payments');
    const fifo = await api(`/api/v1/trail/trace?tx=${payment.tx_id}&rule=fifo`);
    const page = await signedIn();
    await page.goto(`${origin}/trail?tx=${payment.tx_id}`);
    await page.locator('#flow-fifo g.node.endpoint').first().waitFor();
    const links = await page.locator('#payment-summary a').evaluateAll((items) => items.map((item) => item.getAttribute('href')));
    assert.deepEqual(links, payment.reports.map((id) => `/reports/${id}`));
    const reasons = [...new Set(fifo.endpoints.map((endpoint) => endpoint.reason))];
    assert.ok(reasons.length >= 2, `reasons ${reasons}`);
    const plain = { no_outflow: /sent none of it on/, cash: /taken out as cash/, exchange: /exchange, which can freeze/, horizon: /tracing stopped/ };
    const words = { no_outflow: 'no money out', cash: 'cash withdrawal', exchange: 'exchange', horizon: 'end of the traced period' };
    for (const reason of reasons) {
      const cell = page.locator(`#flow-fifo table.endpoints div.reason[data-reason="${reason}"]`).first();
      assert.equal(await cell.textContent(), words[reason], `${reason} in words in the endpoint table`);
      const legend = page.locator(`#flow-fifo dl.reason-legend dd[data-reason="${reason}"]`);
      assert.match(await legend.textContent(), plain[reason], `${reason} explained under the table`);
    }
    // The diagram's boxes say it in words too.
    const endpoint = fifo.endpoints.find((item) => item.reason === 'cash');
    await page.locator(`#flow-fifo g.node[data-account="${endpoint.account}"]`).focus();
    assert.match(await page.locator('#flow-fifo-detail').textContent(), /cash withdrawal: taken out as cash/);
    await page.locator('#payment-summary a').first().click();
    await page.waitForURL(`**/reports/${payment.reports[0]}`);
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
    await shots(page, 'mules');
    await page.context().close();
  });

  test('the mule evidence is in plain words with amounts in their currency, and pattern counts agree', async () => {
    const mules = await api('/api/v1/trail/mules?limit=50');
    const page = await signedIn();
    await page.goto(`${origin}/mules`);
    const rows = page.locator('#mules tbody tr[data-account]');
    await rows.first().waitFor();
    for (let index = 0; index < mules.length; index++) {
      const mule = mules[index];
      await rows.nth(index).locator('button[aria-controls]').click();
      const evidence = page.locator(`#evidence-${index}`);
      const text = await evidence.textContent();
      assert.doesNotMatch(text, /minor units/, `${mule.account}: amounts in their currency`);
      // No signal shown by its code name ("fast forward 0.93"): each has words.
      for (const line of mule.evidence) {
        const item = evidence.locator(`li[data-signal="${line.signal}"]`).first();
        const shown = await item.locator('strong').textContent();
        assert.notEqual(shown.toLowerCase(), line.signal.replaceAll('_', ' '), `${line.signal} has a plain name`);
        assert.doesNotMatch(await item.textContent(), /\b\d\.\d\d — /, 'no bare signal value');
      }
      // The table's count is the evidence's list of patterns, and both are
      // the API's typology hits (the lines with their transfers).
      const hits = mule.evidence.filter((line) => line.tx_ids.length).length;
      assert.equal(Number(await rows.nth(index).locator('td').nth(4).textContent()), hits, `${mule.account}: table count`);
      assert.equal(await evidence.locator('ul.patterns li').count(), hits, `${mule.account}: patterns listed`);
      const summary = mule.evidence.find((line) => line.signal === 'typology')?.detail ?? '';
      const stated = summary.match(/takes part in (\d+) pattern/);
      if (stated) assert.equal(Number(stated[1]), hits, `${mule.account}: "${summary}"`);
    }
    await shots(page, 'mules-evidence');
    await page.context().close();
  });

  test('the freeze list keeps cash-outs and exchanges apart from accounts to freeze, filters, and links each row to its traces', async () => {
    const rows = await api('/api/v1/trail/freeze-list?rule=fifo');
    const page = await signedIn();
    await page.goto(`${origin}/freeze`);
    await page.locator('#freeze-groups tr[data-account]').first().waitFor();
    assert.equal(await page.locator('#freeze-groups tbody tr[data-account]').count(), rows.length);
    // The groups follow the API's recovery, which follows the ledger's kinds.
    const kinds = { freeze: ['person', 'business', 'employer', 'unknown'], exchange: ['exchange'], cash_out: ['cash'], spent: ['merchant', 'utility'] };
    for (const row of rows) {
      assert.ok(kinds[row.recovery].includes(row.kind), `${row.account}: ${row.kind} is ${row.recovery}`);
      const shown = page.locator(`#freeze-${row.recovery} tbody tr[data-account="${row.account}"]`);
      assert.equal(await shown.count(), 1, `${row.account} under ${row.recovery}`);
      assert.match(await shown.locator('td.num').first().textContent(), new RegExp(` ${row.currency}$`), 'amount in its currency');
      // Each payment behind the row links to its trace.
      const links = await shown.locator('a.trace-link').evaluateAll((items) => items.map((item) => item.getAttribute('href')));
      assert.deepEqual(links, row.payment_ids.map((tx) => `/trail?tx=${tx}&rule=fifo`));
    }
    const toFreeze = await page.locator('#freeze-freeze tbody tr').evaluateAll((items) => items.map((item) => item.dataset.account));
    assert.ok(!toFreeze.includes('CASH1') && !toFreeze.includes('EXCH1'), `proposed for freezing: ${toFreeze}`);
    assert.equal(await page.locator('#freeze-cash_out tbody tr[data-account="CASH1"]').count(), 1);
    assert.equal(await page.locator('#freeze-exchange tbody tr[data-account="EXCH1"]').count(), 1);
    assert.match(await page.locator('#group-cash_out').textContent(), /nothing is left to freeze/);
    await shots(page, 'freeze-groups');

    // The filter narrows the rows as one types.
    await page.getByLabel('Filter').fill('exch');
    assert.deepEqual(await page.locator('#freeze-groups tbody tr').evaluateAll((items) => items.map((item) => item.dataset.account)), ['EXCH1']);
    await page.getByLabel('Filter').fill('');

    // One group alone, and its CSV is the API's CSV of that group.
    await page.getByLabel('Show').selectOption('freeze');
    await page.locator('#group-freeze').waitFor();
    assert.equal(await page.locator('#group-cash_out').count(), 0);
    const [groupFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download this group as CSV' }).click()]);
    assert.equal(groupFile.suggestedFilename(), 'freeze-list-fifo-freeze.csv');
    const groupCsv = readFileSync(await groupFile.path(), 'utf8');
    assert.equal(groupCsv, await api('/api/v1/trail/freeze-list?format=csv&rule=fifo&recovery=freeze'));
    assert.doesNotMatch(groupCsv, /CASH1|EXCH1/);

    // A row's trace link opens the money trail on that payment.
    const row = rows.find((item) => item.recovery === 'freeze');
    await page.locator(`#freeze-freeze tr[data-account="${row.account}"] a.trace-link`).first().click();
    await page.locator(`#payment-current[data-tx="${row.payment_ids[0]}"]`).waitFor();
    await page.context().close();
  });

  test('the freeze list downloads as CSV, exactly as the API serves it', async () => {
    const rows = await api('/api/v1/trail/freeze-list?rule=fifo');
    const page = await signedIn();
    await page.goto(`${origin}/freeze`);
    await page.locator('#freeze-groups tbody tr[data-account]').first().waitFor();
    assert.equal(await page.locator('#freeze-groups tbody tr[data-account]').count(), rows.length);
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
