// The public pages, for anyone, in the visitor's language: "check before
// you pay" (GET /api/v1/lookup) and "report a scam" (POST
// /api/v1/public/reports). The lookup answers with structured fields; every
// sentence shown is composed here in the page's language from them, so
// nothing English leaks onto the Thai, Burmese or Chinese page except a
// server's refusal reason, quoted after a translated lead.

import type { PageContext } from '../app';
import { h, replace } from '../dom';
import { day, kindName, lang, list, scamName, t } from '../i18n';

interface Lookup {
  query: string;
  type?: string | null;
  normalized?: string;
  valid?: boolean;
  reported: boolean;
  reports: number;
  matched?: 'exact' | 'host' | 'domain' | null;
  first_seen?: string | null;
  last_seen?: string | null;
  scam_types?: Record<string, number>;
  known_legitimate?: boolean;
}

/// The longest value the lookup reads, in UTF-8 bytes
/// (crackdown_link::lookup::MAX_QUERY_BYTES; a browser test holds the two equal).
export const MAX_LOOKUP_BYTES = 512;

function notice(text: string, kind: 'error' | 'ok' | 'warn'): HTMLElement {
  return h('p', { class: kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/// The reason in an API error body ({"error": "..."}), if any.
async function reasonOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

/// "Try again in …" from a 429's Retry-After (seconds), in the page's language.
function retryText(response: Response): string {
  const seconds = Number(response.headers.get('retry-after') ?? '');
  if (!Number.isFinite(seconds) || seconds <= 0) return t('retry.seconds', { n: 60 });
  return seconds < 120 ? t('retry.seconds', { n: Math.ceil(seconds) }) : t('retry.minutes', { n: Math.ceil(seconds / 60) });
}

/// The answer as sentences of the page's language: the verdict, what was
/// checked, scam types and dates when reported, and what to do.
function answerLines(answer: Lookup): HTMLElement[] {
  const what = kindName(answer.type);
  const lines: HTMLElement[] = [];
  if (answer.known_legitimate) lines.push(notice(t('check.known_legitimate'), 'ok'));
  else if (!answer.type) lines.push(notice(t('check.unknown_kind'), 'warn'));
  else if (answer.valid === false) lines.push(notice(t('check.invalid'), 'warn'));
  else if (answer.reported)
    lines.push(notice(answer.reports === 1 ? t('check.reported_one') : t('check.reported_many', { n: answer.reports }), 'error'));
  else lines.push(notice(t('check.not_reported'), 'ok'));

  if (answer.type && answer.normalized) {
    lines.push(h('p', { class: 'muted', id: 'checked-as' }, t('check.checked_as', { what, value: answer.normalized })));
  }
  if (answer.reported && !answer.known_legitimate) {
    const types = Object.entries(answer.scam_types ?? {})
      .sort(([, a], [, b]) => b - a)
      .map(([type]) => scamName(type));
    if (types.length) lines.push(h('p', { id: 'scam-types' }, t('check.scam_types', { types: list(types) })));
    if (answer.first_seen && answer.last_seen) {
      lines.push(h('p', { id: 'seen' }, t('check.seen', { first: day(answer.first_seen), last: day(answer.last_seen) })));
    }
    if (answer.matched === 'host' || answer.matched === 'domain') lines.push(h('p', { class: 'muted' }, t('check.matched_site')));
  }
  const advice = answer.known_legitimate
    ? t('advice.legitimate', { what })
    : !answer.type
      ? t('advice.unknown')
      : answer.valid === false
        ? t('advice.invalid', { what })
        : answer.reported
          ? t('advice.reported')
          : t('advice.not_reported', { what });
  lines.push(h('p', { id: 'advice' }, advice));
  return lines;
}

export function check({ main }: PageContext): void {
  const result = h('div', { 'aria-live': 'polite', id: 'check-result' });
  const input = h('input', { id: 'q', name: 'q', required: true, autocomplete: 'off', spellcheck: 'false' });
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
        // Said before asking, in the page's language, with the real limit;
        // the server refuses the same (a 400 naming the limit).
        if (new TextEncoder().encode(value).length > MAX_LOOKUP_BYTES) {
          replace(result, notice(t('check.too_long', { limit: MAX_LOOKUP_BYTES }), 'error'));
          return;
        }
        // The page's language says where a national number is read: "062 581
        // 2452" on the Thai page is a Thai number.
        const params = new URLSearchParams({ q: value, lang: lang() });
        let response: Response;
        try {
          response = await fetch(`/api/v1/lookup?${params}`, { credentials: 'omit' });
        } catch {
          replace(result, notice(t('check.error'), 'error'));
          return;
        }
        if (response.status === 404) {
          replace(result, notice(t('check.unavailable'), 'warn'));
        } else if (response.status === 429) {
          replace(result, notice(`${t('check.too_many')} ${retryText(response)}`, 'error'));
        } else if (response.status === 400) {
          replace(result, notice(t('check.rejected', { reason: await reasonOf(response) }), 'error'));
        } else if (!response.ok) {
          replace(result, notice(t('check.error'), 'error'));
        } else {
          replace(result, answerLines((await response.json()) as Lookup));
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

/// An amount as people type it, as the API's exact decimal string: Thai,
/// Myanmar and full-width digits read as digits, thousands grouped with
/// commas or spaces ("1,500", "1 500.50") ungrouped. `null` when it is not
/// a plain amount (a decimal comma, letters), which the page then explains.
export function normalizeAmount(raw: string): string | null {
  const digits = raw
    .trim()
    .replace(/[\u0e50-\u0e59]/g, (digit) => String(digit.charCodeAt(0) - 0x0e50))
    .replace(/[\u1040-\u1049]/g, (digit) => String(digit.charCodeAt(0) - 0x1040))
    .replace(/[\uff10-\uff19]/g, (digit) => String(digit.charCodeAt(0) - 0xff10))
    .replace(/\uff0e/g, '.')
    .replace(/\uff0c/g, ',')
    .replace(/[\s\u00a0\u202f]/g, '');
  const ungrouped = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(digits) ? digits.replace(/,/g, '') : digits;
  return /^\d+(\.\d+)?$/.test(ungrouped) ? ungrouped : null;
}

/// The receipt, large and grouped, with a copy button.
function receiptBox(receipt: string): HTMLElement {
  const copied = h('span', { class: 'muted', 'aria-live': 'polite', id: 'copy-status' });
  const copy = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      id: 'copy-receipt',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(receipt);
          copied.textContent = t('report.copied');
        } catch {
          copied.textContent = t('report.copy_failed');
        }
      },
    },
    t('report.copy'),
  );
  return h(
    'div',
    { class: 'ok receipt', role: 'status', tabindex: '-1', id: 'receipt-box' },
    h('p', {}, t('report.thanks')),
    h('p', {}, t('report.receipt')),
    h('p', { class: 'receipt-code' }, h('code', { id: 'receipt', translate: 'no' }, receipt), ' ', copy, ' ', copied),
    h('p', {}, t('report.keep')),
  );
}

export function reportScam({ main }: PageContext): void {
  const result = h('div', { 'aria-live': 'polite', id: 'report-result' });
  const text = h('textarea', { id: 'text', name: 'text', rows: '8', required: true, 'aria-describedby': 'text-hint', maxlength: '20000' });
  // Free text, checked here: a browser `pattern` refused "1,500" without saying why.
  const amount = h('input', { id: 'amount', name: 'amount', inputmode: 'decimal', 'aria-describedby': 'amount-hint' });
  const currency = h('select', { id: 'currency', name: 'currency' }, CURRENCIES.map((code) => h('option', { value: code }, code)));
  const contact = h('input', { id: 'contact', name: 'contact', autocomplete: 'email' });
  const share = h('input', { id: 'consent-share', name: 'consent_share', type: 'checkbox' });
  const publish = h('input', { id: 'consent-publish', name: 'consent_publish', type: 'checkbox' });
  const submit = h('button', { type: 'submit' }, t('report.submit'));
  const refuse = (message: string, field?: HTMLElement) => {
    replace(result, notice(message, 'error'));
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    }
  };
  const form = h(
    'form',
    {
      class: 'card narrow',
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        for (const field of [text, amount]) field.removeAttribute('aria-invalid');
        if (!text.value.trim()) {
          refuse(t('report.text_required'), text);
          return;
        }
        const typed = amount.value.trim();
        const loss = typed ? normalizeAmount(typed) : undefined;
        if (loss === null) {
          refuse(t('report.amount_invalid'), amount);
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
              loss_amount: loss,
              loss_currency: loss ? currency.value : undefined,
              victim_contact: contact.value.trim() || undefined,
              consent_share: share.checked,
              consent_publish: publish.checked,
            }),
          });
          if (response.status === 404) {
            replace(result, notice(t('report.unavailable'), 'warn'));
          } else if (response.status === 429) {
            refuse(`${t('report.too_many')} ${retryText(response)}`);
          } else if (response.status === 503) {
            refuse(`${t('report.busy')} ${retryText(response)}`);
          } else if (response.status >= 400 && response.status < 500) {
            // The server's own reason: a field it names is marked on the form.
            const reason = await reasonOf(response);
            refuse(t('report.rejected', { reason }), reason.includes('loss_') ? amount : reason.includes('"text"') ? text : undefined);
          } else if (!response.ok) {
            refuse(t('report.error'));
          } else {
            const { receipt } = (await response.json()) as { receipt: string };
            const box = receiptBox(receipt);
            replace(result, box);
            form.reset();
            // The receipt is below the form: bring it into view and to screen readers.
            box.focus();
          }
        } catch {
          refuse(t('report.error'));
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
      h('div', {}, h('label', { for: 'amount' }, t('report.amount')), amount, h('p', { id: 'amount-hint', class: 'hint' }, t('report.amount_hint'))),
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
