// Humanitarian screening pages (issue 24) in headless Chromium against the
// real `crackdown serve`: a case-team analyst lists the team's people, opens
// a case, records an interview in Burmese on a tablet-sized screen, sees the
// rules' recommendation with its reasons, records a decision and looks up a
// seized file; another team's analyst, the organisation's admin (on no team)
// and a partner see nothing. Screenshots: test-output/screening-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ENV, launchChromium, startServer } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.CRACKDOWN_SCREENSHOTS ?? resolve(here, '../test-output');
const SHEET = resolve(here, '../../crates/crackdown-screening/tests/data/sheet-ok.csv');
const DESKTOP = { width: 1366, height: 900 };
const TABLET = { width: 820, height: 1180 };
/// Burmese script (U+1000–U+109F).
const BURMESE = /[\u1000-\u109f]/;

let data;
let server;
let origin;
let browser;

const cli = (...args) =>
  execFileSync(BIN, ['--data', data, ...args], { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `screening-${name}.png`), fullPage: true });

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  data = mkdtempSync(join(tmpdir(), 'crackdown-screening-'));
  cli('org', 'add', 'ngo');
  for (const [user, role] of [
    ['anna', 'analyst'],
    ['carl', 'analyst'],
    ['ngo-admin', 'admin'],
    ['ngo-partner', 'partner'],
  ]) {
    cli('user', 'add', user, '--org', 'ngo', '--role', role);
  }
  cli('--as', 'anna', 'screening', 'team', 'create', 'mae-sot');
  cli('--as', 'carl', 'screening', 'team', 'create', 'ranong');
  cli('--as', 'anna', 'screening', 'import', SHEET, '--team', 'mae-sot');
  // Detained yesterday, not yet interviewed; consented to screening only.
  cli('--as', 'anna', 'screening', 'person', 'add', 'P-2026-0104', '--team', 'mae-sot', '--nationality', 'MM', '--language', 'my',
    '--age-band', '25_34', '--document', 'passport:confiscated', '--facility', 'Mae Sot shelter', '--consent', 'screening');
  ({ server, origin } = await startServer(data));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  // The server writes its database until it exits: remove the directory after that.
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolveExit) => server.once('exit', resolveExit));
    server.kill('SIGTERM');
    await exited;
  }
  if (data) rmSync(data, { recursive: true, force: true, maxRetries: 5 });
});

async function signIn(user, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(cli('user', 'signin-link', user, '--public-url', origin).trim());
  await page.waitForURL('**/account?welcome=1');
  return { context, page };
}

/// Answers the reason dialog every screening read opens.
async function giveReason(page, reason) {
  const dialog = page.getByRole('dialog', { name: 'Why do you need to read this?' });
  await dialog.waitFor();
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('a case-team analyst lists, interviews in Burmese on a tablet, sees the recommendation and decides', async () => {
  const { context, page } = await signIn('anna');
  await page.getByRole('link', { name: 'Screening' }).click();
  await page.getByRole('dialog').getByLabel('Reason').fill('weekly case review');
  await shot(page, 'reason-dialog');
  await giveReason(page, 'weekly case review');
  const table = page.locator('#people');
  await table.locator('tbody tr').first().waitFor();
  assert.equal(await table.locator('tbody tr').count(), 4);
  const row = (pseudonym) => table.locator(`tr[data-person="${pseudonym}"]`);
  assert.match(await row('P-2026-0101').innerText(), /Presumed victim/);
  assert.match(await row('P-2026-0102').innerText(), /Suspected perpetrator/);
  assert.match(await row('P-2026-0104').innerText(), /not assessed/);
  // Filter by recommendation: only the presumed victims stay.
  await page.getByLabel('Recommendation').selectOption('presumed_victim');
  await row('P-2026-0102').waitFor({ state: 'detached' });
  assert.ok(await row('P-2026-0101').isVisible());
  assert.match(page.url(), /recommendation=presumed_victim/);
  await page.getByLabel('Recommendation').selectOption('');
  await shot(page, 'list');

  // A person not yet interviewed: no recommendation, no export without consent.
  await row('P-2026-0104').getByRole('link', { name: 'P-2026-0104' }).click();
  await giveReason(page, 'first interview');
  await page.getByRole('heading', { name: 'P-2026-0104', level: 1 }).waitFor();
  await page.getByText('No interview recorded yet').waitFor();
  assert.ok(await page.locator('#no-export').isVisible());

  // The intake on a tablet, in the interviewee's language.
  await page.setViewportSize(TABLET);
  await page.getByRole('link', { name: 'Record an interview' }).click();
  const question = (id) => page.locator(`li[data-question="${id}"]`);
  // Every script of the questionnaire renders from the same page: Chinese and Thai first.
  for (const [name, script] of [['中文', /[\u4e00-\u9fff]/], ['ไทย', /[\u0e00-\u0e7f]/]]) {
    await page.getByRole('radio', { name }).click();
    assert.match(await question('q_confined').locator('.question-text').innerText(), script, name);
  }
  await page.getByRole('radio', { name: 'မြန်မာ' }).click();
  const asked = await question('q_job_different').locator('.question-text').innerText();
  assert.match(asked, BURMESE, `the question is in Burmese: ${asked}`);
  assert.equal(await question('q_job_different').locator('.question-text').getAttribute('lang'), 'my');
  for (const id of ['q_job_different', 'q_wages_lied', 'q_quota_fines', 'q_passport_held', 'q_confined']) {
    await question(id).locator('button[data-value="yes"]').click();
    assert.equal(await question(id).locator('button[data-value="yes"]').getAttribute('aria-checked'), 'true');
  }
  await question('q_team_leader').locator('button[data-value="no"]').click();
  await question('q_hours_per_day').locator('input[type="number"]').fill('16');
  await question('q_job_different').locator('summary').click();
  await question('q_job_different').locator('textarea').fill('ကုမ္ပဏီရုံးအလုပ်ဟု ပြောသည်');
  // Touch targets: every answer button at least 44 px high.
  const heights = await page.locator('.answer-buttons button').evaluateAll((buttons) => buttons.map((button) => button.getBoundingClientRect().height));
  assert.ok(Math.min(...heights) >= 44, `answer buttons are ${Math.min(...heights)} px high`);
  // Nothing wider than the tablet's screen.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling');
  assert.match(await page.locator('.intake-progress').innerText(), /7 of \d+ questions answered/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'screening-intake-tablet.png') });
  await page.getByRole('button', { name: 'Save interview' }).click();

  // Back on the case: the recommendation with its reasons, the answers in Burmese with their indicators.
  await giveReason(page, 'assess the new interview');
  await page.locator('#recommendation').getByText('Presumed victim').waitFor();
  const reasons = await page.locator('#reasons li').allInnerTexts();
  assert.ok(reasons.some((reason) => /strong/.test(reason)), reasons.join('\n'));
  const answer = page.locator('table.answers tr[data-question="q_job_different"]');
  assert.match(await answer.innerText(), BURMESE);
  assert.match(await answer.innerText(), /job|nature/i, 'the indicator the answer maps to is named');
  await shot(page, 'case-tablet');

  // The decision: named, justified, on the time line.
  await page.setViewportSize(DESKTOP);
  await page.getByLabel('Your decision').selectOption('presumed_victim');
  await page.getByLabel('Justification (in your words; kept sealed)').fill('Deceived, fined, passport held, confined: refer for assistance.');
  await page.getByRole('button', { name: 'Record decision' }).click();
  await page.locator('#decisions').getByText('by anna').waitFor();
  assert.match(await page.locator('#decisions').innerText(), /Presumed victim/);
  assert.match(await page.locator('#timeline').innerText(), /decision/);

  // A seized file: the identifiers are looked up; the answer says it is no verdict.
  await page.locator('#seized-file').setInputFiles({
    name: 'phone-contacts.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('kind,value,note\nphone,+66 85 000 1111,own phone\n'),
  });
  await page.getByRole('button', { name: 'Look up' }).click();
  await page.locator('#evidence-notice').waitFor();
  assert.match(await page.locator('#evidence-notice').innerText(), /never a verdict/);
  assert.match(await page.locator('#evidence').innerText(), /\+66850001111/);
  await shot(page, 'case');

  // A case with consent to export offers the export for that organisation.
  await page.goto(`${origin}/screening/people/P-2026-0101`);
  await giveReason(page, 'prepare the shelter referral');
  await page.getByRole('button', { name: 'Export case file for Shelter Foundation' }).waitFor();
  await context.close();
});

test('a partner, the admin on no team and another team see no screening', async () => {
  for (const user of ['ngo-partner', 'ngo-admin']) {
    const { context, page } = await signIn(user);
    await page.goto(`${origin}/dashboard`);
    await page.locator('header nav').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Screening' }).count(), 0, `${user} is offered screening`);
    for (const path of ['/screening', '/screening/people/P-2026-0101', '/screening/people/P-2026-0101/interview']) {
      await page.goto(`${origin}${path}`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      assert.equal(await page.getByRole('dialog').count(), 0, `${user} ${path} asks for a reason`);
    }
    await context.close();
  }
  // carl is on his own team: he has the page, but anna's person does not exist for him.
  const { context, page } = await signIn('carl');
  await page.getByRole('link', { name: 'Screening' }).click();
  await giveReason(page, 'my team');
  await page.locator('#people').getByText('0 people').waitFor();
  await page.goto(`${origin}/screening/people/P-2026-0101`);
  await giveReason(page, 'probe');
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  assert.doesNotMatch(await page.locator('main').innerText(), /Mae Sot|presumed/i);
  await context.close();
});
