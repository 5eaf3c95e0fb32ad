// Seized evidence on the case page: the screener uploads a file seized from
// the person (a CSV of identifiers, a chat export, an e-mail) and sees
// where each identifier appears in what they may read — victim reports and
// campaigns as links, the ledger's accounts and transfers — with the
// server's neutral observations. Nothing of the file is stored; the read
// is audited with the visit's reason.

import { h, replace } from '../dom';
import { alertBox, when } from '../widgets';
import { call } from './screening';

interface EvidenceReport {
  notice: string;
  identifiers: {
    type: string | null;
    normalized: string;
    sources: string[];
    notes: string[];
    reports: { id: number; external_id?: string | null; received_at: string; scam_type?: string | null }[];
    more_reports: boolean;
    campaigns: { id: string; name: string; reports: number }[];
    accounts: { account: string; kind?: string | null; transfers_in: number; transfers_out: number }[];
    transfers_in: number;
    transfers_out: number;
    observations: string[];
  }[];
  not_found: number;
}

export function evidenceSection(base: string, reason: string, team: string | undefined): HTMLElement {
  const file = h('input', { id: 'seized-file', type: 'file', required: true });
  const format = h(
    'select',
    { id: 'seized-format' },
    h('option', { value: '' }, 'Tell from the file'),
    h('option', { value: 'csv' }, 'CSV of identifiers (kind,value,note)'),
    h('option', { value: 'chat' }, 'Chat export (WhatsApp, Telegram, LINE)'),
    h('option', { value: 'eml' }, 'E-mail (.eml)'),
  );
  const country = h('input', { id: 'seized-country', type: 'text', maxlength: 2, size: 3, placeholder: 'TH', autocomplete: 'off' });
  const results = h('div', { id: 'evidence-results', 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      id: 'evidence-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const chosen = file.files?.[0];
        if (!chosen) {
          replace(results, alertBox('Choose the seized file first.'));
          return;
        }
        const query = new URLSearchParams({ reason, name: chosen.name });
        if (format.value) query.set('format', format.value);
        if (country.value.trim()) query.set('country', country.value.trim());
        if (team) query.set('team', team);
        replace(results, h('p', { class: 'muted' }, `Looking up the identifiers of ${chosen.name}…`));
        try {
          const report = await call<EvidenceReport>('POST', `${base}/evidence?${query}`, chosen, 'application/octet-stream');
          replace(results, drawReport(report));
        } catch (error) {
          replace(results, alertBox(error instanceof Error ? error.message : String(error)));
        }
      },
    },
    h(
      'div',
      { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 'seized-file' }, 'Seized file'), file),
      h('div', { class: 'field' }, h('label', { for: 'seized-format' }, 'Kind of file'), format),
      h('div', { class: 'field' }, h('label', { for: 'seized-country' }, 'Country of national phone numbers'), country),
      h('button', { type: 'submit' }, 'Look up'),
    ),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'evidence-title' },
    h('h2', { id: 'evidence-title' }, 'Seized evidence'),
    h('p', { class: 'muted' }, 'Upload what was seized from this person to see where its phones, accounts, wallets and handles appear. Nothing of the file is kept.'),
    form,
    results,
  );
}

function drawReport(report: EvidenceReport): HTMLElement {
  const found = report.identifiers.filter((item) => item.reports.length || item.accounts.length || item.transfers_in || item.transfers_out);
  return h(
    'div',
    {},
    h('p', { class: 'warn', id: 'evidence-notice' }, report.notice),
    h(
      'table',
      { class: 'data', id: 'evidence' },
      h('caption', {}, `${found.length} of ${report.identifiers.length} identifiers appear in what you may read; ${report.not_found} appear nowhere`),
      h('thead', {}, h('tr', {}, ['Identifier', 'Victim reports', 'Campaigns', 'Ledger', 'What it may mean'].map((name) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        report.identifiers.map((item) =>
          h(
            'tr',
            { 'data-identifier': item.normalized },
            h(
              'td',
              {},
              h('code', {}, item.normalized),
              h('div', { class: 'muted small' }, item.type ?? 'account label', item.notes.length ? ` · ${item.notes.join('; ')}` : ''),
              h('div', { class: 'muted small' }, item.sources.join('; ')),
            ),
            h(
              'td',
              {},
              item.reports.length
                ? h(
                    'span',
                    {},
                    item.reports.flatMap((report, index) => [
                      index ? ', ' : '',
                      h('a', { href: `/reports/${report.id}`, title: `received ${when(report.received_at)}` }, report.external_id ?? `#${report.id}`),
                    ]),
                    item.more_reports ? ' and more' : '',
                  )
                : h('span', { class: 'muted' }, 'none'),
            ),
            h(
              'td',
              {},
              item.campaigns.length
                ? h('span', {}, item.campaigns.flatMap((campaign, index) => [index ? ', ' : '', h('a', { href: `/campaigns/${encodeURIComponent(campaign.id)}` }, campaign.name)]))
                : h('span', { class: 'muted' }, 'none'),
            ),
            h(
              'td',
              {},
              item.accounts.length || item.transfers_in || item.transfers_out
                ? h(
                    'span',
                    {},
                    `${item.transfers_in} in, ${item.transfers_out} out`,
                    item.accounts.map((account) => h('div', { class: 'muted small' }, h('a', { href: `/search?q=${encodeURIComponent(account.account)}` }, account.account), account.kind ? ` (${account.kind})` : '')),
                  )
                : h('span', { class: 'muted' }, 'none'),
            ),
            h('td', {}, h('ul', { class: 'plain' }, item.observations.map((line) => h('li', {}, line)))),
          ),
        ),
      ),
    ),
  );
}
