// The money-trail view: pick a victim payment and a tracing rule, see where
// the money went as a layered flow, and compare two rules side by side.
// The choice lives in the address (?tx=&rule=&compare=), so a view can be
// bookmarked and sent to a colleague of the same organisation.

import { api, ApiFailure, ok } from '../api/client';
import type { PageContext } from '../app';
import { h, replace } from '../dom';
import { flowFigure, type FlowTrace } from '../flow';
import { alertBox, money, when } from '../widgets';

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
  let payments;
  try {
    payments = ok(await api.GET('/api/v1/trail/victim-payments'));
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
  const picker = h(
    'select',
    { id: 'payment' },
    payments.map((payment) =>
      h(
        'option',
        { value: payment.tx_id, selected: payment.tx_id === state.tx },
        `${payment.tx_id} · ${money(payment.amount, payment.currency)} · ${when(payment.timestamp)} · ${payment.victim} → ${payment.account}`,
      ),
    ),
  );
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
  const flows = h('div', { id: 'flows', class: 'flows', 'aria-live': 'polite', 'aria-busy': 'false' });

  let request = 0;
  const draw = async () => {
    const mine = ++request;
    const url = new URLSearchParams({ tx: state.tx, rule: state.rule });
    if (state.compare && state.compare !== state.rule) url.set('compare', state.compare);
    history.replaceState(null, '', `/trail?${url}`);
    const payment = payments.find((item) => item.tx_id === state.tx);
    summary.textContent = payment
      ? `${payment.victim} paid ${money(payment.amount, payment.currency)} to ${payment.account} on ${when(payment.timestamp)}; named by report${payment.reports.length === 1 ? '' : 's'} ${payment.reports.map((id) => `#${id}`).join(', ')}.`
      : '';
    flows.setAttribute('aria-busy', 'true');
    const rules = [state.rule, ...(state.compare && state.compare !== state.rule ? [state.compare] : [])];
    try {
      const traces = await Promise.all(rules.map((rule) => traceOf(state.tx, rule)));
      if (mine !== request) return;
      flows.classList.toggle('side-by-side', traces.length > 1);
      replace(flows, traces.map((trace) => flowFigure(trace, `flow-${trace.rule}`)));
    } catch (error) {
      if (mine === request) replace(flows, alertBox(error instanceof Error ? error.message : String(error)));
    } finally {
      if (mine === request) flows.setAttribute('aria-busy', 'false');
    }
  };
  picker.addEventListener('change', () => {
    state.tx = picker.value;
    void draw();
  });
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
      h('div', { class: 'field' }, h('label', { for: 'payment' }, `Victim payment (${payments.length})`), picker),
      ruleRadios,
      h('div', { class: 'field' }, h('label', { for: 'compare' }, 'Compare with'), compare),
    ),
    summary,
    flows,
  );
  await draw();
}
