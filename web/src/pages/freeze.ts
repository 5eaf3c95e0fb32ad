// The freeze list: every victim payment the user may trace, traced under a
// rule and summed per endpoint account — what goes to banks and exchanges.
// Downloads come straight from the API (CSV or JSON), so the file is exactly
// what the server computed.

import { api, ApiFailure, ok } from '../api/client';
import type { PageContext } from '../app';
import { h, replace } from '../dom';
import { alertBox, money } from '../widgets';
import { RULES } from './trail';

export async function freeze({ main, query }: PageContext): Promise<void> {
  const rule = RULES.some((item) => item.value === query.get('rule')) ? (query.get('rule') as string) : 'fifo';
  replace(main, h('h1', {}, 'Freeze list'), h('p', { class: 'muted' }, 'Tracing every victim payment…'));
  let rows;
  try {
    rows = ok(await api.GET('/api/v1/trail/freeze-list', { params: { query: { rule, format: 'json' } } }));
  } catch (error) {
    if (error instanceof ApiFailure && (error.status === 403 || error.status === 404)) {
      replace(main, h('h1', {}, 'Freeze list'), alertBox(error.message));
      return;
    }
    throw error;
  }
  const select = h(
    'select',
    {
      id: 'rule',
      onchange: (event: Event) => {
        history.replaceState(null, '', `/freeze?rule=${(event.target as HTMLSelectElement).value}`);
        void freeze({ main, query: new URLSearchParams(location.search), params: {}, user: null });
      },
    },
    RULES.map((item) => h('option', { value: item.value, selected: item.value === rule }, item.label)),
  );
  const download = (format: string, text: string) =>
    h('a', { class: 'button', href: `/api/v1/trail/freeze-list?format=${format}&rule=${rule}`, download: `freeze-list-${rule}.${format}` }, text);
  replace(
    main,
    h('h1', {}, 'Freeze list'),
    h(
      'p',
      { class: 'lead' },
      'Victims’ money per endpoint account and currency, largest first: the accounts to ask banks and exchanges to freeze.',
    ),
    rule === 'poison' ? h('p', { class: 'warn' }, 'Poison tracing overstates amounts; send banks a list traced under another rule.') : null,
    h(
      'div',
      { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 'rule' }, 'Tracing rule'), select),
      h('div', { class: 'downloads' }, download('csv', 'Download CSV'), download('json', 'Download JSON')),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: 'freeze' },
        h('caption', {}, `${rows.length} accounts under ${rule}`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Account'),
            h('th', { scope: 'col' }, 'Kind'),
            h('th', { scope: 'col' }, 'Country'),
            h('th', { scope: 'col', class: 'num' }, 'Amount'),
            h('th', { scope: 'col', class: 'num' }, 'Victims'),
            h('th', { scope: 'col', class: 'num' }, 'Payments'),
            h('th', { scope: 'col' }, 'Why it stops here'),
          ),
        ),
        h(
          'tbody',
          {},
          rows.length
            ? rows.map((row) =>
                h(
                  'tr',
                  { 'data-account': row.account },
                  h('td', {}, h('code', {}, row.account)),
                  h('td', {}, row.kind),
                  h('td', {}, row.country ?? '—'),
                  h('td', { class: 'num nowrap' }, money(row.amount, row.currency)),
                  h('td', { class: 'num' }, row.victims),
                  h('td', { class: 'num' }, row.payments),
                  h('td', {}, row.reasons.replaceAll(';', ', ').replaceAll('_', ' ')),
                ),
              )
            : h('tr', {}, h('td', { colspan: 7 }, 'No traced money reached an endpoint.')),
        ),
      ),
    ),
  );
}
