// The money trail's words in plain language. The API names why traced money
// stopped (`reason`) and what can be done about it (`recovery`) with short
// codes; an investigator, a bank's analyst or a prosecutor reading the page
// should not have to know them, so every place that shows one shows this
// explanation with it.

import { h } from './dom';

/// Why traced money stopped at an account.
export const REASONS: Record<string, { label: string; explanation: string }> = {
  no_outflow: {
    label: 'no money out',
    explanation: 'the account sent none of it on afterwards, so it should still be there',
  },
  cash: {
    label: 'cash withdrawal',
    explanation: 'taken out as cash at a cash machine or agent: it left the banking system',
  },
  exchange: {
    label: 'exchange',
    explanation: 'paid into an exchange, which can freeze its customer’s account on request',
  },
  horizon: {
    label: 'end of the traced period',
    explanation: 'still here when tracing stopped (90 days after the payment unless set otherwise); it may have moved since',
  },
};

/// What can be done about money at an endpoint, from the account's kind in the ledger.
export const RECOVERY: Record<string, { heading: string; explanation: string }> = {
  freeze: {
    heading: 'Accounts to freeze',
    explanation: 'Accounts of people, businesses or of unknown kind where the money stopped: ask their banks to freeze them.',
  },
  exchange: {
    heading: 'Exchanges',
    explanation: 'Money paid into exchanges: send the exchange its own request to freeze the customer’s account or wallet.',
  },
  cash_out: {
    heading: 'Cashed out',
    explanation: 'Money withdrawn as cash (cash machines, cash agents): nothing is left to freeze; ask for withdrawal records and camera footage.',
  },
  spent: {
    heading: 'Spent at merchants',
    explanation: 'Money paid to shops or utilities: not the scammers’ accounts; ask the merchant what was bought and where it went.',
  },
};

export const RECOVERY_ORDER = ['freeze', 'exchange', 'cash_out', 'spent'];

/// "no_outflow" -> "no money out: the account sent none of it on…".
export function reasonText(code: string): string {
  const reason = REASONS[code];
  return reason ? `${reason.label}: ${reason.explanation}` : code.replaceAll('_', ' ');
}

/// A reason in plain words for a table cell (the explanation as its
/// tooltip); `reasonLegend` under the table explains each one in full, so a
/// long list does not repeat the same sentence on every row.
export function reasonCell(codes: string): HTMLElement[] {
  return codes
    .split(';')
    .filter(Boolean)
    .map((code) => h('div', { class: 'reason', 'data-reason': code, title: REASONS[code]?.explanation ?? null }, REASONS[code]?.label ?? code.replaceAll('_', ' ')));
}

/// What each reason shown in a table means, once each.
export function reasonLegend(codes: string[]): HTMLElement | null {
  const shown = [...new Set(codes.flatMap((code) => code.split(';')).filter(Boolean))];
  if (!shown.length) return null;
  return h(
    'dl',
    { class: 'reason-legend' },
    shown.flatMap((code) => [
      h('dt', { 'data-reason': code }, REASONS[code]?.label ?? code.replaceAll('_', ' ')),
      h('dd', { 'data-reason': code }, REASONS[code]?.explanation ?? 'no explanation known for this reason'),
    ]),
  );
}
