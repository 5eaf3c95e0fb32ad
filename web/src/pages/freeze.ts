// The freeze list: every victim payment the user may trace, traced under a
// rule and summed per endpoint account, in groups by what can be done about
// the money there — accounts a bank can freeze apart from exchanges, cash
// withdrawals and merchants. The group comes from the API (`recovery`, from
// the account's kind in the ledger), never from how an account's name looks.
// Each row links to the traces behind it; downloads come straight from the
// API (CSV or JSON, the whole list or one group), so the file is exactly
// what the server computed.

import { api, ApiFailure, ok } from '../api/client';
import type { PageContext } from '../app';
import { h, replace } from '../dom';
import { RECOVERY, RECOVERY_ORDER, reasonCell, reasonLegend } from '../reasons';
import { alertBox, money } from '../widgets';
import { RULES } from './trail';

/// A row as GET /api/v1/trail/freeze-list?format=json gives it.
interface FreezeRow {
  account: string;
  kind: string;
  country?: string | null;
  currency: string;
  amount: string;
  victims: number;
  payments: number;
  reasons: string;
  recovery: string;
  payment_ids: string[];
}

/// Payment links shown before the rest fold away.
const SHOWN_PAYMENTS = 3;

function paymentLinks(row: FreezeRow, rule: string): HTMLElement {
  const link = (tx: string) => h('a', { href: `/trail?tx=${encodeURIComponent(tx)}&rule=${rule}`, class: 'trace-link' }, tx);
  const links = (ids: string[]) => ids.flatMap((tx, at) => [at ? ', ' : '', link(tx)]);
  const first = row.payment_ids.slice(0, SHOWN_PAYMENTS);
  const rest = row.payment_ids.slice(SHOWN_PAYMENTS);
  return h(
    'div',
    { class: 'payment-links' },
    links(first),
    rest.length ? h('details', {}, h('summary', {}, `and ${rest.length} more`), links(rest)) : null,
  );
}

function groupTable(group: string, rows: FreezeRow[], rule: string): HTMLElement {
  const text = RECOVERY[group] ?? { heading: group, explanation: '' };
  return h(
    'section',
    { class: 'freeze-group', id: `group-${group}`, 'data-group': group },
    h('h2', {}, `${text.heading} (${rows.length})`),
    h('p', { class: 'muted' }, text.explanation),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: `freeze-${group}` },
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
            h('th', { scope: 'col' }, 'Traced payments'),
            h('th', { scope: 'col' }, 'Why the money stops here'),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((row) =>
            h(
              'tr',
              { 'data-account': row.account, 'data-recovery': row.recovery },
              h('td', {}, h('code', {}, row.account)),
              h('td', {}, row.kind),
              h('td', {}, row.country ?? '—'),
              h('td', { class: 'num nowrap', 'data-amount': row.amount }, money(row.amount, row.currency)),
              h('td', { class: 'num' }, row.victims),
              h('td', {}, paymentLinks(row, rule)),
              h('td', {}, reasonCell(row.reasons)),
            ),
          ),
        ),
      ),
    ),
    reasonLegend(rows.map((row) => row.reasons)),
  );
}

export async function freeze({ main, query }: PageContext): Promise<void> {
  const rule = RULES.some((item) => item.value === query.get('rule')) ? (query.get('rule') as string) : 'fifo';
  const wanted = query.get('group') ?? '';
  const group = RECOVERY_ORDER.includes(wanted) ? wanted : '';
  replace(main, h('h1', {}, 'Freeze list'), h('p', { class: 'muted' }, 'Tracing every victim payment…'));
  let rows: FreezeRow[];
  try {
    rows = ok(await api.GET('/api/v1/trail/freeze-list', { params: { query: { rule, format: 'json' } } })) as FreezeRow[];
  } catch (error) {
    if (error instanceof ApiFailure && (error.status === 403 || error.status === 404)) {
      replace(main, h('h1', {}, 'Freeze list'), alertBox(error.message));
      return;
    }
    throw error;
  }
  const reload = (next: Record<string, string>) => {
    const params = new URLSearchParams({ rule, group, text: filterText.value, ...next });
    for (const [key, value] of [...params]) if (!value) params.delete(key);
    history.replaceState(null, '', `/freeze?${params}`);
    void freeze({ main, query: new URLSearchParams(location.search), params: {}, user: null });
  };
  const select = h(
    'select',
    { id: 'rule', onchange: (event: Event) => reload({ rule: (event.target as HTMLSelectElement).value }) },
    RULES.map((item) => h('option', { value: item.value, selected: item.value === rule }, item.label)),
  );
  const groupSelect = h(
    'select',
    { id: 'group', onchange: (event: Event) => reload({ group: (event.target as HTMLSelectElement).value }) },
    h('option', { value: '' }, 'every group'),
    RECOVERY_ORDER.map((code) => h('option', { value: code, selected: code === group }, RECOVERY[code]?.heading ?? code)),
  );
  const filterText = h('input', { id: 'freeze-filter', type: 'search', placeholder: 'account, kind or country', value: query.get('text') ?? '' });
  const download = (format: string, text: string) => {
    const params = new URLSearchParams({ format, rule });
    if (group) params.set('recovery', group);
    return h('a', { class: 'button', href: `/api/v1/trail/freeze-list?${params}`, download: `freeze-list-${rule}${group ? `-${group}` : ''}.${format}` }, text);
  };
  const groups = h('div', { id: 'freeze-groups' });
  const status = h('p', { class: 'muted', id: 'freeze-count', 'aria-live': 'polite' });
  const show = () => {
    const words = filterText.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = rows.filter(
      (row) =>
        (!group || row.recovery === group) &&
        words.every((word) => [row.account, row.kind, row.country ?? '', row.currency].join(' ').toLowerCase().includes(word)),
    );
    status.textContent = `${shown.length} of ${rows.length} accounts under ${rule}.`;
    replace(
      groups,
      RECOVERY_ORDER.map((code) => [code, shown.filter((row) => row.recovery === code)] as const)
        .filter(([, members]) => members.length)
        .map(([code, members]) => groupTable(code, members, rule)),
      shown.length ? null : h('p', {}, rows.length ? 'No account matches the filter.' : 'No traced money reached an endpoint.'),
    );
  };
  filterText.addEventListener('input', show);
  replace(
    main,
    h('h1', {}, 'Freeze list'),
    h(
      'p',
      { class: 'lead' },
      'Victims’ money per endpoint account and currency, largest first, grouped by what can be done about it: accounts to ask banks to freeze, exchanges to ask for their customer’s account, and money already cashed out or spent.',
    ),
    rule === 'poison' ? h('p', { class: 'warn' }, 'Poison tracing overstates amounts; send banks a list traced under another rule.') : null,
    h(
      'div',
      { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 'rule' }, 'Tracing rule'), select),
      h('div', { class: 'field' }, h('label', { for: 'group' }, 'Show'), groupSelect),
      h('div', { class: 'field' }, h('label', { for: 'freeze-filter' }, 'Filter'), filterText),
      h('div', { class: 'downloads' }, download('csv', group ? 'Download this group as CSV' : 'Download CSV'), download('json', 'Download JSON')),
    ),
    status,
    groups,
  );
  show();
}
