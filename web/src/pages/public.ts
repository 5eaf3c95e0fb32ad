// The public pages, for anyone, in the visitor's language: "check before
// you pay" (GET /api/v1/lookup, issue 8) and "report a scam" (POST
// /api/v1/public/reports, issue 4). Neither endpoint is in the OpenAPI
// snapshot yet, so their shapes are declared here from the issues'
// contracts; a 404 from the server means the endpoint is not there yet.

import type { PageContext } from '../app';
import { h, replace } from '../dom';
import { lang, t } from '../i18n';

interface Lookup {
  query: string;
  type?: string;
  normalized?: string;
  valid?: boolean;
  reported: boolean;
  reports: number;
  first_seen?: string | null;
  last_seen?: string | null;
  advice?: string;
  known_legitimate?: boolean;
}

function notice(text: string, kind: 'error' | 'ok' | 'warn'): HTMLElement {
  return h('p', { class: kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function check({ main }: PageContext): void {
  const result = h('div', { 'aria-live': 'polite', id: 'check-result' });
  const input = h('input', { id: 'q', name: 'q', required: true, autocomplete: 'off', spellcheck: 'false', maxlength: '2000' });
  const form = h(
    'form',
    {
      class: 'card narrow',
      role: 'search',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const value = input.value.trim();
        if (!value) {
          replace(result, notice(t('check.empty'), 'error'));
          return;
        }
        try {
          const response = await fetch(`/api/v1/lookup?q=${encodeURIComponent(value)}`, { credentials: 'omit' });
          if (response.status === 404) {
            replace(result, notice(t('check.unavailable'), 'warn'));
            return;
          }
          if (!response.ok) throw new Error(String(response.status));
          const answer = (await response.json()) as Lookup;
          const lines = [
            answer.valid === false
              ? notice(t('check.invalid'), 'warn')
              : answer.reported
                ? notice(t('check.reported', { n: answer.reports }), 'error')
                : notice(t('check.not_reported'), 'ok'),
          ];
          if (answer.normalized) lines.push(h('p', { class: 'muted' }, `${answer.type ?? ''} ${answer.normalized}`));
          if (answer.advice) lines.push(h('p', {}, answer.advice));
          replace(result, lines);
        } catch {
          replace(result, notice(t('check.error'), 'error'));
        }
      },
    },
    h('label', { for: 'q' }, t('check.field')),
    input,
    h('button', { type: 'submit' }, t('check.submit')),
  );
  replace(main, h('h1', {}, t('check.title')), h('p', { class: 'lead' }, t('check.intro')), form, result);
}

const CURRENCIES = ['THB', 'MMK', 'CNY', 'USD', 'EUR', 'SGD', 'MYR', 'VND', 'PHP', 'IDR', 'USDT'];

export function reportScam({ main }: PageContext): void {
  const result = h('div', { 'aria-live': 'polite', id: 'report-result' });
  const text = h('textarea', { id: 'text', name: 'text', rows: '8', required: true, 'aria-describedby': 'text-hint', maxlength: '20000' });
  const amount = h('input', { id: 'amount', name: 'amount', inputmode: 'decimal', pattern: '[0-9]+([.][0-9]+)?' });
  const currency = h('select', { id: 'currency', name: 'currency' }, CURRENCIES.map((code) => h('option', { value: code }, code)));
  const contact = h('input', { id: 'contact', name: 'contact', autocomplete: 'email' });
  const share = h('input', { id: 'consent-share', name: 'consent_share', type: 'checkbox' });
  const publish = h('input', { id: 'consent-publish', name: 'consent_publish', type: 'checkbox' });
  const submit = h('button', { type: 'submit' }, t('report.submit'));
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (!text.value.trim()) {
          replace(result, notice(t('report.text_required'), 'error'));
          text.focus();
          return;
        }
        submit.disabled = true;
        try {
          // A plain JSON POST without cookies, as the public endpoint expects.
          const response = await fetch('/api/v1/public/reports', {
            method: 'POST',
            credentials: 'omit',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              text: text.value,
              language: lang(),
              loss_amount: amount.value.trim() || undefined,
              loss_currency: amount.value.trim() ? currency.value : undefined,
              victim_contact: contact.value.trim() || undefined,
              consent_share: share.checked,
              consent_publish: publish.checked,
            }),
          });
          if (response.status === 404) {
            replace(result, notice(t('report.unavailable'), 'warn'));
            return;
          }
          if (!response.ok) throw new Error(String(response.status));
          const receipt = (await response.json()) as { receipt?: string; id?: string | number };
          replace(result, notice(t('report.thanks', { id: String(receipt.receipt ?? receipt.id ?? '') }), 'ok'));
          form.reset();
        } catch {
          replace(result, notice(t('report.error'), 'error'));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('label', { for: 'text' }, t('report.text')),
    h('p', { id: 'text-hint', class: 'hint' }, t('report.text_hint')),
    text,
    h(
      'div',
      { class: 'row' },
      h('div', {}, h('label', { for: 'amount' }, t('report.amount')), amount),
      h('div', {}, h('label', { for: 'currency' }, t('report.currency')), currency),
    ),
    h('label', { for: 'contact' }, t('report.contact')),
    contact,
    h('div', { class: 'check' }, share, h('label', { for: 'consent-share' }, t('report.consent_share'))),
    h('div', { class: 'check' }, publish, h('label', { for: 'consent-publish' }, t('report.consent_publish'))),
    submit,
  );
  replace(main, h('h1', {}, t('report.title')), h('p', { class: 'lead' }, t('report.intro')), form, result);
}
