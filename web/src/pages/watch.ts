// Watchlists & alerts: the organisation's watch entries (add, remove), the
// alerts they raised (each links to its report, which opens only if the
// reader may read it), and the webhooks alerts are delivered to.

import { api, ok, type Schemas } from '../api/client';
import type { PageContext } from '../app';
import { h, replace } from '../dom';
import { alertBox, when } from '../widgets';

type Entry = Schemas['Entry'];
type Alert = Schemas['AlertItem'];
type Webhook = Schemas['Webhook'];

const KINDS: { value: string; text: string; hint: string }[] = [
  { value: 'exact', text: 'Exact indicator', hint: 'A phone, URL, e-mail, wallet, IBAN…; written any way, matched normalized.' },
  { value: 'prefix', text: 'Prefix', hint: 'An IBAN (country + bank), card BIN (6–8 digits) or phone prefix (+66 80).' },
  { value: 'domain_suffix', text: 'Domain and subdomains', hint: 'e.g. siamcommerce.co.th: URLs, hosts and e-mail addresses under it.' },
  { value: 'regex', text: 'Regular expression', hint: 'Over indicator values, at most 256 bytes; optionally limited to one type.' },
  { value: 'scam_type', text: 'Scam type', hint: 'investment, romance, task_job, impersonation, …' },
  { value: 'campaign', text: 'Campaign', hint: 'A campaign id (cmp-…, as the campaign page shows it): alerts when a new report joins it.' },
];

function removeButton(label: string, onclick: () => Promise<void>): HTMLButtonElement {
  return h('button', { type: 'button', class: 'secondary', 'aria-label': label, onclick }, 'Remove');
}

function table(id: string, caption: string, headings: string[], rows: HTMLElement[]): HTMLElement {
  return h(
    'table',
    { class: 'data', id },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headings.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, rows),
  );
}

export async function watchlists({ main }: PageContext): Promise<void> {
  const status = h('div', { 'aria-live': 'polite' });
  const entriesBox = h('div', {});
  const alertsBox = h('div', {});
  const hooksBox = h('div', {});
  const fail = (error: unknown) => replace(status, alertBox(error instanceof Error ? error.message : String(error)));

  const loadEntries = async () => {
    const entries: Entry[] = ok(await api.GET('/api/v1/watchlists'));
    replace(
      entriesBox,
      entries.length === 0
        ? h('p', { class: 'muted', id: 'no-entries' }, 'The watchlist is empty.')
        : table(
            'entries',
            'Watch entries',
            ['Kind', 'Type', 'Value', 'Label', 'Added', ''],
            entries.map((entry) =>
              h(
                'tr',
                {},
                h('td', {}, entry.kind),
                h('td', {}, entry.type ?? ''),
                h('td', {}, h('code', {}, entry.value)),
                h('td', {}, entry.label),
                h('td', {}, `${when(entry.created_at)} · ${entry.created_by}`),
                h(
                  'td',
                  {},
                  removeButton(`Remove ${entry.kind} ${entry.value}`, async () => {
                    try {
                      ok(await api.DELETE('/api/v1/watchlists/{id}', { params: { path: { id: entry.id } } }));
                      await loadEntries();
                    } catch (error) {
                      fail(error);
                    }
                  }),
                ),
              ),
            ),
          ),
    );
  };

  const loadAlerts = async () => {
    const alerts: Alert[] = ok(await api.GET('/api/v1/alerts', { params: { query: { limit: 200 } } }));
    replace(
      alertsBox,
      alerts.length === 0
        ? h('p', { class: 'muted', id: 'no-alerts' }, 'No alerts yet.')
        : table(
            'alerts',
            'Alerts, newest first',
            ['Raised', 'Report', 'Matched', 'Entry'],
            alerts.map((alert) =>
              h(
                'tr',
                {},
                h('td', {}, when(alert.created_at)),
                h('td', {}, h('a', { href: `/reports/${alert.report_id}` }, `#${alert.report_id}`)),
                h('td', {}, h('code', {}, alert.matched)),
                h('td', {}, `${alert.entry.kind} ${alert.entry.value}${alert.entry.label ? ` (${alert.entry.label})` : ''}`),
              ),
            ),
          ),
    );
  };

  const loadHooks = async () => {
    const hooks: Webhook[] = ok(await api.GET('/api/v1/webhooks'));
    replace(
      hooksBox,
      hooks.length === 0
        ? h('p', { class: 'muted' }, 'No webhook: alerts are only listed here and on the API.')
        : table(
            'webhooks',
            'Webhooks',
            ['URL', 'Pending', 'Delivered', 'Failed', ''],
            hooks.map((hook) =>
              h(
                'tr',
                {},
                h('td', {}, h('code', {}, hook.url)),
                h('td', {}, String(hook.pending)),
                h('td', {}, String(hook.delivered)),
                h('td', {}, String(hook.failed)),
                h(
                  'td',
                  {},
                  removeButton(`Remove webhook ${hook.url}`, async () => {
                    try {
                      ok(await api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: hook.id } } }));
                      await loadHooks();
                    } catch (error) {
                      fail(error);
                    }
                  }),
                ),
              ),
            ),
          ),
    );
  };

  const kind = h(
    'select',
    { id: 'watch-kind', name: 'kind' },
    KINDS.map((option) => h('option', { value: option.value }, option.text)),
  );
  const hint = h('p', { class: 'muted', id: 'watch-hint' }, KINDS[0]?.hint ?? '');
  kind.addEventListener('change', () => {
    hint.textContent = KINDS.find((option) => option.value === kind.value)?.hint ?? '';
  });
  const value = h('input', { id: 'watch-value', name: 'value', required: true, maxlength: '512', 'aria-describedby': 'watch-hint' });
  const type = h('input', { id: 'watch-type', name: 'type', maxlength: '20', placeholder: 'optional: phone, url, iban, card_bin…' });
  const label = h('input', { id: 'watch-label', name: 'label', maxlength: '512' });
  const add = h('button', { type: 'submit' }, 'Add to watchlist');
  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        add.disabled = true;
        try {
          const body = { kind: kind.value, value: value.value, type: type.value.trim() || null, label: label.value.trim() || null };
          const entry = ok(await api.POST('/api/v1/watchlists', { body }));
          replace(status, alertBox(`Watching ${entry.kind} ${entry.value}.`, 'ok'));
          value.value = '';
          label.value = '';
          await loadEntries();
        } catch (error) {
          fail(error);
        } finally {
          add.disabled = false;
        }
      },
    },
    h('h2', {}, 'Add an entry'),
    h('label', { for: 'watch-kind' }, 'Kind'),
    kind,
    hint,
    h('label', { for: 'watch-value' }, 'Value'),
    value,
    h('label', { for: 'watch-type' }, 'Type (exact, regex or prefix; optional)'),
    type,
    h('label', { for: 'watch-label' }, 'Label (optional)'),
    label,
    add,
  );

  const url = h('input', { id: 'hook-url', name: 'url', type: 'url', required: true, placeholder: 'http://receiver.internal/crackdown' });
  const hookForm = h(
    'form',
    {
      class: 'card',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const created = ok(await api.POST('/api/v1/webhooks', { body: { url: url.value } }));
          replace(status, alertBox(`Webhook added. Its signing secret, shown only now: ${created.secret}`, 'ok'));
          url.value = '';
          await loadHooks();
        } catch (error) {
          fail(error);
        }
      },
    },
    h('h2', {}, 'Add a webhook'),
    h('p', { class: 'muted' }, 'Alerts are POSTed as JSON, signed with HMAC-SHA256 (Crackdown-Signature); see docs/webhooks.md.'),
    h('label', { for: 'hook-url' }, 'Receiver URL'),
    url,
    h('button', { type: 'submit' }, 'Add webhook'),
  );

  const refresh = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => void loadAlerts().catch(fail) },
    'Refresh alerts',
  );
  replace(
    main,
    h('h1', {}, 'Watchlists & alerts'),
    h(
      'p',
      {},
      'Every new report is matched against this list as it arrives. An alert names the report and the value that matched; the report itself opens only if you may read it.',
    ),
    status,
    h('section', { 'aria-labelledby': 'alerts-heading' }, h('h2', { id: 'alerts-heading' }, 'Alerts'), refresh, alertsBox),
    h('section', { 'aria-labelledby': 'entries-heading' }, h('h2', { id: 'entries-heading' }, 'Watchlist'), form, entriesBox),
    h('section', { 'aria-labelledby': 'hooks-heading' }, h('h2', { id: 'hooks-heading' }, 'Delivery'), hookForm, hooksBox),
  );
  await Promise.all([loadEntries(), loadAlerts(), loadHooks()]);
}
