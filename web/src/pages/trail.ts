// The money-trail view: pick a victim payment and a tracing rule, see where
// the money went as a layered flow, and compare two rules side by side.
// The choice lives in the address (?tx=&rule=&compare=), so a view can be
// bookmarked and sent to a colleague of the same organisation.

import { api, ApiFailure, ok } from '../api/client';
import type { PageContext } from '../app';
import { h, replace } from '../dom';
import { differences, flowFigure, type FlowTrace } from '../flow';
import { alertBox, money, when } from '../widgets';

/// A victim payment as GET /api/v1/trail/victim-payments lists it.
interface Payment {
  tx_id: string;
  timestamp: string;
  victim: string;
  account: string;
  amount: string;
  currency: string;
  reports: number[];
}

/// Options listed at once; typing narrows a ledger of thousands of payments.
const SHOWN_OPTIONS = 50;

/// What a payment can be found by: tx id, amount (as written with or without
/// thousands separators), date and time, both accounts and the reports.
function searchText(payment: Payment): string {
  return [
    payment.tx_id,
    payment.amount,
    money(payment.amount, payment.currency),
    payment.currency,
    when(payment.timestamp),
    payment.victim,
    payment.account,
    ...payment.reports.map((id) => `#${id}`),
  ]
    .join(' ')
    .toLowerCase();
}

/// Payments matching every word typed; commas in a typed amount are ignored.
export function matchPayments(payments: Payment[], typed: string, index: Map<string, string>): Payment[] {
  const words = typed.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return payments;
  return payments.filter((payment) => {
    const text = index.get(payment.tx_id) ?? '';
    return words.every((word) => text.includes(word) || text.includes(word.replaceAll(',', '')));
  });
}

const paymentLine = (payment: Payment) =>
  `${payment.tx_id} · ${money(payment.amount, payment.currency)} · ${when(payment.timestamp)} · ${payment.victim} → ${payment.account}`;

/// A searchable picker (an ARIA combobox): type part of an amount, a date,
/// an account or a tx id, then pick with the mouse or the arrow keys and
/// Enter. Only the first matches are listed, with how many there are.
function paymentPicker(payments: Payment[], selected: () => string, pick: (tx: string) => void): HTMLElement {
  const index = new Map(payments.map((payment) => [payment.tx_id, searchText(payment)]));
  const input = h('input', {
    id: 'payment',
    type: 'search',
    role: 'combobox',
    autocomplete: 'off',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': 'payment-options',
    placeholder: 'Type an amount, date, account or tx id',
  });
  const list = h('ul', { id: 'payment-options', role: 'listbox', class: 'picker-options', 'aria-label': 'Matching victim payments', hidden: true });
  const count = h('p', { class: 'muted small', id: 'payment-count', 'aria-live': 'polite' });
  const current = h('p', { class: 'picker-current', id: 'payment-current' });
  let options: Payment[] = [];
  let active = -1;
  const highlight = (at: number) => {
    active = at;
    list.querySelectorAll('li').forEach((item, position) => item.setAttribute('aria-selected', String(position === at)));
    const item = list.children[at] as HTMLElement | undefined;
    if (item) {
      input.setAttribute('aria-activedescendant', item.id);
      item.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    highlight(-1);
  };
  const choose = (payment: Payment) => {
    input.value = '';
    close();
    pick(payment.tx_id);
    showCurrent();
  };
  const open = () => {
    const found = matchPayments(payments, input.value, index);
    options = found.slice(0, SHOWN_OPTIONS);
    replace(
      list,
      options.map((payment, position) =>
        h(
          'li',
          {
            id: `payment-option-${position}`,
            role: 'option',
            'data-tx': payment.tx_id,
            'aria-selected': 'false',
            onmousedown: (event: Event) => event.preventDefault(),
            onclick: () => choose(payment),
          },
          paymentLine(payment),
        ),
      ),
    );
    count.textContent = !input.value.trim()
      ? `${payments.length} payments; type to narrow them down.`
      : found.length > options.length
        ? `${found.length} payments match; the first ${options.length} are listed, type more to narrow them down.`
        : `${found.length} payment${found.length === 1 ? '' : 's'} match.`;
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(options.length ? 0 : -1);
  };
  const showCurrent = () => {
    const payment = payments.find((item) => item.tx_id === selected());
    current.dataset.tx = payment?.tx_id ?? '';
    current.textContent = payment ? `Tracing ${paymentLine(payment)}` : '';
  };
  input.addEventListener('input', open);
  input.addEventListener('focus', open);
  input.addEventListener('blur', close);
  input.addEventListener('keydown', (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (list.hidden) open();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      highlight(Math.min(options.length - 1, Math.max(0, active + step)));
    } else if (event.key === 'Enter') {
      const payment = options[active];
      if (payment && !list.hidden) {
        event.preventDefault();
        choose(payment);
      }
    } else if (event.key === 'Escape') close();
  });
  showCurrent();
  return h(
    'div',
    { class: 'field picker' },
    h('label', { for: 'payment' }, `Victim payment (${payments.length})`),
    input,
    list,
    count,
    current,
  );
}

export const RULES: { value: string; label: string }[] = [
  { value: 'fifo', label: 'FIFO (Clayton’s case)' },
  { value: 'lifo', label: 'LIFO' },
  { value: 'libr', label: 'LIBR (lowest intermediate balance)' },
  { value: 'prorata', label: 'Pro-rata' },
  { value: 'poison', label: 'Poison (overstates)' },
];

async function traceOf(tx: string, rule: string): Promise<FlowTrace> {
  return ok(await api.GET('/api/v1/trail/trace', { params: { query: { tx, rule } } })) as FlowTrace;
}

/// A problem with the ledger itself (none imported, no rights) as a page message.
function explain(error: unknown): HTMLElement {
  if (error instanceof ApiFailure && (error.status === 403 || error.status === 404)) return alertBox(error.message);
  throw error;
}

export async function trail({ main, query }: PageContext): Promise<void> {
  replace(main, h('h1', {}, 'Money trail'), h('p', { class: 'muted' }, 'Loading the victim payments…'));
  let payments: Payment[];
  try {
    payments = ok(await api.GET('/api/v1/trail/victim-payments')) as Payment[];
  } catch (error) {
    replace(main, h('h1', {}, 'Money trail'), explain(error));
    return;
  }
  if (!payments.length) {
    replace(
      main,
      h('h1', {}, 'Money trail'),
      h('p', {}, 'No victim payment to trace: no report you may read names an account of your organisation’s ledger.'),
    );
    return;
  }
  const state = {
    tx: payments.some((payment) => payment.tx_id === query.get('tx')) ? (query.get('tx') as string) : payments[0]?.tx_id ?? '',
    rule: RULES.some((rule) => rule.value === query.get('rule')) ? (query.get('rule') as string) : 'fifo',
    compare: RULES.some((rule) => rule.value === query.get('compare')) ? (query.get('compare') as string) : '',
  };
  const ruleRadios = h(
    'fieldset',
    { class: 'rules' },
    h('legend', {}, 'Tracing rule'),
    RULES.map((rule) =>
      h(
        'label',
        { class: 'radio' },
        h('input', { type: 'radio', name: 'rule', value: rule.value, checked: rule.value === state.rule }),
        ` ${rule.label}`,
      ),
    ),
  );
  const compare = h(
    'select',
    { id: 'compare' },
    h('option', { value: '' }, 'no comparison'),
    RULES.map((rule) => h('option', { value: rule.value, selected: rule.value === state.compare }, rule.label)),
  );
  const summary = h('p', { class: 'muted', id: 'payment-summary' });
  const picker = paymentPicker(
    payments,
    () => state.tx,
    (tx) => {
      state.tx = tx;
      void draw();
    },
  );
  const flows = h('div', { id: 'flows', class: 'flows', 'aria-live': 'polite', 'aria-busy': 'false' });

  let request = 0;
  const draw = async () => {
    const mine = ++request;
    const url = new URLSearchParams({ tx: state.tx, rule: state.rule });
    if (state.compare && state.compare !== state.rule) url.set('compare', state.compare);
    history.replaceState(null, '', `/trail?${url}`);
    const payment = payments.find((item) => item.tx_id === state.tx);
    replace(
      summary,
      payment
        ? [
            `${payment.victim} paid ${money(payment.amount, payment.currency)} to ${payment.account} on ${when(payment.timestamp)}; named by report${payment.reports.length === 1 ? '' : 's'} `,
            ...payment.reports.flatMap((id, at) => [at ? ', ' : '', h('a', { href: `/reports/${id}`, class: 'report-link' }, `#${id}`)]),
            '.',
          ]
        : [],
    );
    flows.setAttribute('aria-busy', 'true');
    const rules = [state.rule, ...(state.compare && state.compare !== state.rule ? [state.compare] : [])];
    try {
      const traces = await Promise.all(rules.map((rule) => traceOf(state.tx, rule)));
      if (mine !== request) return;
      // Compared rules each get the full width, one above the other, with
      // what differs between them listed first and marked in both.
      const [base, other] = traces;
      replace(
        flows,
        base && other ? differences(base, other) : null,
        traces.map((trace, at) => flowFigure(trace, `flow-${trace.rule}`, traces[1 - at])),
      );
    } catch (error) {
      if (mine === request) replace(flows, alertBox(error instanceof Error ? error.message : String(error)));
    } finally {
      if (mine === request) flows.setAttribute('aria-busy', 'false');
    }
  };
  ruleRadios.addEventListener('change', (event) => {
    state.rule = (event.target as HTMLInputElement).value;
    void draw();
  });
  compare.addEventListener('change', () => {
    state.compare = compare.value;
    void draw();
  });

  replace(
    main,
    h('h1', {}, 'Money trail'),
    h(
      'p',
      { class: 'lead' },
      'Where a victim’s payment went under the tracing rule the court applies: from the victim through mule accounts to the endpoints where it can be frozen.',
    ),
    h(
      'div',
      { class: 'filters trail-controls' },
      picker,
      ruleRadios,
      h('div', { class: 'field' }, h('label', { for: 'compare' }, 'Compare with'), compare),
    ),
    summary,
    flows,
  );
  await draw();
}
