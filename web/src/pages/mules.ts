// The mule list: the ledger's accounts most likely to be money mules, each
// with the evidence behind its score (signals and the typology hits with
// their transfers), expandable row by row.

import { api, ApiFailure, ok } from '../api/client';
import type { PageContext } from '../app';
import { h, replace } from '../dom';
import { alertBox } from '../widgets';

const LIMITS = [25, 50, 100, 250];

/// The score's signals in plain words: what each one says about the account.
const SIGNALS: Record<string, string> = {
  fast_forward: 'Passes money on quickly',
  flow_balance: 'Sends out about what it receives',
  low_residual: 'Keeps little of what arrives',
  cash_out: 'Cashes out',
  victim_inflow: 'Receives payments that look like victims’',
  victim_senders: 'Paid by many one-off senders',
  typology: 'Takes part in laundering patterns',
  one_off_money: 'Money is not regular income',
  splits: 'Sizes of its transfers',
  mule_senders: 'Money comes from other suspected mules',
  institutional: 'Kind of account',
  broad_base: 'Regular, repeated counterparties',
  went_quiet: 'Went quiet after the money passed',
  novel_forwarded: 'Passes on money from first-time senders',
  unseen_book: 'Sends more than it holds here (its book is kept elsewhere)',
};

/// Laundering patterns (typology hits) in plain words.
export const PATTERNS: Record<string, string> = {
  fan_in: 'Fan-in: many new senders paid into this account',
  fan_out: 'Fan-out: this account paid many new recipients',
  gather_scatter: 'Gather and scatter: money collected from many, then sent on to many',
  scatter_gather: 'Scatter and gather: money split across go-between accounts and collected again',
  cycle: 'Cycle: money went round and came back to where it started',
  layering: 'Layering: pairs of accounts passing money back and forth',
  peel_chain: 'Peel chain: money passed along a chain, each account keeping a little',
  rapid_pass_through: 'Rapid pass-through: money left again within hours of arriving',
  structuring: 'Structuring: payments kept just under the reporting threshold',
};

/// A signal's value (0 to 1) in words; the number stays in the tooltip.
function strength(value: number): string {
  if (value >= 0.66) return 'strong';
  if (value >= 0.33) return 'moderate';
  if (value > 0) return 'weak';
  return 'absent';
}

export async function mules({ main, query }: PageContext): Promise<void> {
  const wanted = Number(query.get('limit'));
  const limit = LIMITS.includes(wanted) ? wanted : 50;
  replace(main, h('h1', {}, 'Mule accounts'), h('p', { class: 'muted' }, 'Scoring the ledger…'));
  let list;
  try {
    list = ok(await api.GET('/api/v1/trail/mules', { params: { query: { limit } } }));
  } catch (error) {
    if (error instanceof ApiFailure && (error.status === 403 || error.status === 404)) {
      replace(main, h('h1', {}, 'Mule accounts'), alertBox(error.message));
      return;
    }
    throw error;
  }
  const select = h(
    'select',
    {
      id: 'limit',
      onchange: (event: Event) => {
        history.replaceState(null, '', `/mules?limit=${(event.target as HTMLSelectElement).value}`);
        void mules({ main, query: new URLSearchParams(location.search), params: {}, user: null });
      },
    },
    LIMITS.map((count) => h('option', { value: count, selected: count === limit }, `top ${count}`)),
  );
  const rows = list.flatMap((mule, index) => {
    const detailId = `evidence-${index}`;
    const patterns = mule.evidence.filter((line) => PATTERNS[line.signal] !== undefined || line.tx_ids.length > 0);
    const signals = mule.evidence.filter((line) => !patterns.includes(line));
    const txLinks = (ids: string[]) =>
      ids.slice(0, 12).flatMap((tx, at) => [at ? ', ' : '', h('a', { href: `/search?q=${encodeURIComponent(tx)}` }, tx)]);
    const evidence = h(
      'tr',
      { id: detailId, class: 'evidence', hidden: true },
      h(
        'td',
        { colspan: 6 },
        h('h3', { class: 'small-heading' }, 'What the score rests on'),
        h(
          'ul',
          { class: 'evidence-list signals' },
          signals.map((line) =>
            h(
              'li',
              { 'data-signal': line.signal },
              h('strong', {}, SIGNALS[line.signal] ?? line.signal.replaceAll('_', ' ')),
              h('span', { class: 'muted', title: `signal ${line.signal} = ${line.value.toFixed(2)}` }, ` (${strength(line.value)})`),
              line.detail ? `: ${line.detail}` : '',
            ),
          ),
        ),
        h('h3', { class: 'small-heading' }, patterns.length ? `Laundering patterns (${patterns.length})` : 'No laundering pattern involves this account'),
        patterns.length
          ? h(
              'ul',
              { class: 'evidence-list patterns' },
              patterns.map((line) =>
                h(
                  'li',
                  { 'data-signal': line.signal },
                  h('strong', {}, PATTERNS[line.signal] ?? line.signal.replaceAll('_', ' ')),
                  h('div', {}, line.detail),
                  line.tx_ids.length
                    ? h('div', { class: 'muted small' }, `Transfers: `, txLinks(line.tx_ids), line.tx_ids.length > 12 ? ` and ${line.tx_ids.length - 12} more` : '')
                    : null,
                ),
              ),
            )
          : null,
      ),
    );
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        'aria-expanded': 'false',
        'aria-controls': detailId,
        onclick: () => {
          const open = toggle.getAttribute('aria-expanded') !== 'true';
          toggle.setAttribute('aria-expanded', String(open));
          toggle.textContent = open ? 'Hide evidence' : 'Show evidence';
          evidence.hidden = !open;
        },
      },
      'Show evidence',
    );
    // The same list the evidence shows under "Laundering patterns".
    const hits = patterns.length;
    return [
      h(
        'tr',
        { 'data-account': mule.account },
        h('td', { class: 'num' }, index + 1),
        h('td', {}, h('code', {}, mule.account)),
        h('td', {}, mule.kind, mule.country ? ` · ${mule.country}` : ''),
        h('td', { class: 'num score' }, h('meter', { min: 0, max: 1, value: mule.score, 'aria-hidden': 'true' }), ` ${mule.score.toFixed(3)}`),
        h('td', { class: 'num' }, hits),
        h('td', {}, toggle),
      ),
      evidence,
    ];
  });
  replace(
    main,
    h('h1', {}, 'Mule accounts'),
    h(
      'p',
      { class: 'lead' },
      'Accounts of your organisation’s ledger ranked by how much they behave like money mules: money out soon after it comes in, little left behind, cash-outs, many unrelated senders, laundering typologies. Busy legitimate accounts are held down.',
    ),
    h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'limit' }, 'Show'), select)),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: 'mules' },
        h('caption', {}, `The ${list.length} highest scores`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', class: 'num' }, '#'),
            h('th', { scope: 'col' }, 'Account'),
            h('th', { scope: 'col' }, 'Kind'),
            h('th', { scope: 'col', class: 'num' }, 'Score'),
            h('th', { scope: 'col', class: 'num' }, 'Typology hits'),
            h('th', { scope: 'col' }, 'Evidence'),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
  );
}
