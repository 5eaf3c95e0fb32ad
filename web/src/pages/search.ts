// Search and pivot: one box for any value (a phone in any format, a link, a
// wallet, an IBAN, a transaction id, a name). Everything the caller may read
// that names it, each id a link: reports, campaigns, ledger accounts (to the
// money trail) and transfers, watch entries. The value stays in the address,
// so a result can be shared with a colleague who may read it.

import { api } from '../api/client';
import { navigate, type PageContext } from '../app';
import { h, replace } from '../dom';
import { alertBox, money, tlpBadge, when } from '../widgets';

interface FoundReport { id: number; external_id: string | null; received_at: string; tlp: string; scam_type: string | null }
interface FoundCampaign { id: string; name: string; reports: number }
interface FoundAccount { account: string; kind: string | null; country: string | null; transfers_in: number; transfers_out: number }
interface FoundTransfer { id: number; tx_id: string; at: string; from_account: string; to_account: string; amount: string; currency: string }
interface FoundEntry { id: number; kind: string; value: string; label: string }
interface Answer {
  query: string;
  type: string | null;
  normalized: string;
  valid: boolean;
  reports: FoundReport[];
  more_reports: boolean;
  campaigns: FoundCampaign[];
  accounts: FoundAccount[];
  transfers: FoundTransfer[];
  watch_entries: FoundEntry[];
}

/// A link to the search for `value`: every value on every page can pivot here.
export function pivot(value: string, text = value): HTMLAnchorElement {
  return h('a', { href: `/search?q=${encodeURIComponent(value)}`, class: 'pivot' }, text);
}

function section(id: string, title: string, count: number, rows: HTMLElement[], empty: string): HTMLElement {
  return h(
    'section',
    { class: 'card', id, 'aria-labelledby': `${id}-heading` },
    h('h2', { id: `${id}-heading` }, `${title} (${count})`),
    rows.length ? h('ul', { class: 'plain' }, rows) : h('p', { class: 'muted' }, empty),
  );
}

export async function search({ main, query }: PageContext): Promise<void> {
  const value = query.get('q') ?? '';
  const country = query.get('country') ?? '';
  const input = h('input', { id: 'search-q', name: 'q', type: 'search', value, required: true, autocomplete: 'off', 'aria-describedby': 'search-hint' });
  const countryInput = h('input', { id: 'search-country', name: 'country', value: country, maxlength: 2, size: 3, placeholder: 'TH', class: 'narrow' });
  const results = h('div', { id: 'search-results', 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      class: 'card',
      role: 'search',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const params = new URLSearchParams({ q: input.value.trim() });
        if (countryInput.value.trim()) params.set('country', countryInput.value.trim().toUpperCase());
        navigate(`/search?${params}`);
      },
    },
    h('label', { for: 'search-q' }, 'Phone, link, wallet, IBAN, account, transaction id, handle or name'),
    input,
    h('p', { class: 'muted small', id: 'search-hint' }, 'Written any way: values are normalized as reports are. A national phone number is read in the country given.'),
    h('label', { for: 'search-country' }, 'Country of a national phone number (optional)'),
    countryInput,
    h('button', { type: 'submit' }, 'Search'),
  );
  replace(main, h('h1', {}, 'Search'), form, results);
  if (!value) return;
  replace(results, h('p', { class: 'muted' }, 'Searching…'));
  const { data, error, response } = await api.GET('/api/v1/search', { params: { query: { q: value, country: country || undefined } } });
  if (!response.ok || !data) {
    replace(results, alertBox(`Search refused: ${(error as { error?: string } | undefined)?.error ?? response.statusText}`));
    return;
  }
  const answer = data as unknown as Answer;
  replace(
    results,
    h('p', { id: 'search-read-as' }, answer.type ? `Read as ${answer.type.replaceAll('_', ' ')}: ` : 'Searched in report texts: ', h('strong', {}, answer.normalized), answer.valid ? '' : ' (fails its checksum or format check)'),
    section(
      'found-reports',
      'Reports',
      answer.reports.length,
      answer.reports.map((report) =>
        h('li', {}, h('a', { href: `/reports/${report.id}` }, report.external_id ?? `#${report.id}`), ' ', tlpBadge(report.tlp), ` ${when(report.received_at).slice(0, 10)} · ${(report.scam_type ?? 'unclassified').replaceAll('_', ' ')}`),
      ),
      'No report you may read names it.',
    ),
    answer.more_reports ? h('p', { class: 'muted' }, 'More reports name it: the newest 200 are shown.') : null,
    section(
      'found-campaigns',
      'Campaigns',
      answer.campaigns.length,
      answer.campaigns.map((campaign) => h('li', {}, h('a', { href: `/campaigns/${campaign.id}` }, campaign.name), ` · ${campaign.reports} of these reports`)),
      'None of these reports is in a campaign you can see.',
    ),
    section(
      'found-accounts',
      'Accounts of your ledger',
      answer.accounts.length,
      answer.accounts.map((account) => h('li', {}, h('strong', {}, account.account), ` · ${account.transfers_in} transfers in, ${account.transfers_out} out`, account.kind ? ` · ${account.kind.replaceAll('_', ' ')}` : '')),
      'Not an account of your ledger.',
    ),
    section(
      'found-transfers',
      'Transfers',
      answer.transfers.length,
      answer.transfers.map((transfer) =>
        h('li', {}, h('a', { href: `/trail?tx=${encodeURIComponent(transfer.tx_id)}` }, `trace ${transfer.tx_id}`), ` · ${when(transfer.at)} · `, pivot(transfer.from_account), ' → ', pivot(transfer.to_account), ` · ${money(transfer.amount, transfer.currency)}`),
      ),
      'No transfer of your ledger has this id.',
    ),
    section(
      'found-watch',
      'Watch entries',
      answer.watch_entries.length,
      answer.watch_entries.map((entry) => h('li', {}, h('a', { href: '/watchlists' }, `${entry.kind} ${entry.value}`), entry.label ? ` · ${entry.label}` : '')),
      'No watch entry of your organisation matches it.',
    ),
  );
}
