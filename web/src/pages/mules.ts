// The mule list: the ledger's accounts most likely to be money mules, each
// with the evidence behind its score (signals and the typology hits with
// their transfers), expandable row by row.

import { api, ApiFailure, ok } from '../api/client';
import type { PageContext } from '../app';
import { h, replace } from '../dom';
import { alertBox } from '../widgets';

const LIMITS = [25, 50, 100, 250];

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
    const evidence = h(
      'tr',
      { id: detailId, class: 'evidence', hidden: true },
      h(
        'td',
        { colspan: 6 },
        h(
          'ul',
          { class: 'evidence-list' },
          mule.evidence.map((line) =>
            h(
              'li',
              {},
              h('strong', {}, line.signal.replaceAll('_', ' ')),
              ` ${line.value.toFixed(2)} — ${line.detail}`,
              line.tx_ids.length ? h('span', { class: 'muted' }, ` (tx ${line.tx_ids.slice(0, 12).join(', ')}${line.tx_ids.length > 12 ? ', …' : ''})`) : null,
            ),
          ),
        ),
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
    const hits = mule.evidence.filter((line) => line.tx_ids.length).length;
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
