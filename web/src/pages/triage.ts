// The triage queue: filter reports, select some, change their status in
// one request (each change lands in the report's audit trail). Filters live
// in the address, so a filtered queue can be bookmarked and shared.

import { api, ok, type Report } from '../api/client';
import { may, navigate, type PageContext } from '../app';
import { h, replace } from '../dom';
import { CHANNELS, STATUSES, TLPS, alertBox, money, statusBadge, tlpBadge, when } from '../widgets';

const PAGE = 50;

function select(id: string, label: string, values: readonly string[], current: string | null): HTMLElement[] {
  return [
    h('label', { for: id }, label),
    h(
      'select',
      { id, name: id },
      h('option', { value: '' }, 'any'),
      values.map((value) => h('option', { value, selected: value === current }, value)),
    ),
  ];
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 140 ? `${line.slice(0, 140)}…` : line;
}

/// Fills the campaign cells of the shown reports that are in a campaign
/// (as the user sees it) with a link to it.
async function campaignLinks(body: HTMLElement, ids: number[]): Promise<void> {
  if (!ids.length) return;
  const found = ok(await api.GET('/api/v1/report-campaigns', { params: { query: { ids: ids.join(',') } } }));
  for (const [report, campaign] of Object.entries(found.campaigns)) {
    const cell = body.querySelector(`td.campaign-cell[data-report="${report}"]`);
    if (cell) replace(cell, h('a', { href: `/campaigns/${campaign}`, title: campaign, class: 'mono' }, `${campaign.slice(0, 10)}…`));
  }
}

export async function triage({ main, query, user }: PageContext): Promise<void> {
  // Status changes are offered only to those the API lets change them: the
  // admins and analysts of a report's own organisation.
  const triager = may('triage');
  const changeable = (report: Report) => triager && report.org === user?.org;
  const filters = {
    status: query.get('status'),
    tlp: query.get('tlp'),
    channel: query.get('channel'),
    q: query.get('q'),
  };
  const status = h('div', { 'aria-live': 'polite', id: 'triage-status' });
  const body = h('tbody', {});
  const selected = new Set<number>();
  let cursor: string | null | undefined;
  const count = h('span', { id: 'selected-count' }, '0 selected');
  const actions = STATUSES.map((target) =>
    h('button', { type: 'button', class: 'secondary', 'data-status': target, disabled: true, onclick: () => void apply(target) }, `Mark ${target}`),
  );
  const all = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'Select all shown reports' });
  const update = () => {
    count.textContent = `${selected.size} selected`;
    for (const button of actions) button.disabled = selected.size === 0;
  };
  all.addEventListener('change', () => {
    for (const box of body.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) {
      box.checked = all.checked;
      const id = Number(box.value);
      if (all.checked) selected.add(id);
      else selected.delete(id);
    }
    update();
  });

  const row = (report: Report) => {
    const box = !changeable(report) ? null : h('input', {
      type: 'checkbox',
      value: String(report.id),
      'aria-label': `Select report ${report.id}`,
      onchange: (event: Event) => {
        if ((event.target as HTMLInputElement).checked) selected.add(report.id);
        else selected.delete(report.id);
        update();
      },
    });
    return h(
      'tr',
      { 'data-id': String(report.id) },
      triager ? h('td', {}, box ?? h('span', { class: 'muted', title: `Reported by ${report.org}: only its own staff change its status` }, '—')) : null,
      h('td', {}, h('a', { href: `/reports/${report.id}` }, `#${report.id}`)),
      h('td', { class: 'campaign-cell', 'data-report': String(report.id) }, '—'),
      h('td', { class: 'nowrap' }, when(report.received_at)),
      h('td', {}, tlpBadge(report.tlp)),
      h('td', { class: 'status-cell' }, statusBadge(report.status)),
      h('td', {}, report.channel),
      h('td', {}, report.language ?? '—'),
      h('td', { class: 'nowrap num' }, money(report.loss_amount, report.loss_currency)),
      h('td', { class: 'text' }, excerpt(report.text)),
    );
  };

  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => void load() }, 'Load more');
  const load = async () => {
    const page = ok(
      await api.GET('/api/v1/reports', {
        params: {
          query: {
            status: filters.status || undefined,
            tlp: filters.tlp || undefined,
            channel: filters.channel || undefined,
            q: filters.q || undefined,
            cursor: cursor ?? undefined,
            limit: PAGE,
          },
        },
      }),
    );
    body.append(...page.items.map(row));
    void campaignLinks(body, page.items.map((report) => report.id));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    if (!body.firstChild) body.append(h('tr', {}, h('td', { colspan: '10', class: 'muted' }, 'No reports match these filters.')));
    all.disabled = !body.querySelector('input[type=checkbox]');
  };

  const apply = async (target: string) => {
    const ids = [...selected];
    const result = await api.POST('/api/v1/reports/status', { body: { ids, status: target } });
    if (result.error !== undefined || !result.data) {
      replace(status, alertBox((result.error as { error?: string } | undefined)?.error ?? 'The change failed; nothing was changed.'));
      return;
    }
    replace(status, alertBox(`${result.data.changed} of ${ids.length} reports marked ${target}.`, 'ok'));
    for (const id of ids) {
      const cell = body.querySelector(`tr[data-id="${id}"] .status-cell`);
      if (cell) replace(cell, statusBadge(target));
    }
    selected.clear();
    for (const box of body.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) box.checked = false;
    all.checked = false;
    update();
  };

  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter reports',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        const params = new URLSearchParams();
        for (const [key, value] of data) if (typeof value === 'string' && value) params.set(key, value);
        navigate(`/triage${params.size ? `?${params}` : ''}`);
      },
    },
    select('status', 'Status', STATUSES, filters.status),
    select('tlp', 'TLP', TLPS, filters.tlp),
    select('channel', 'Channel', CHANNELS, filters.channel),
    h('label', { for: 'q' }, 'Text contains'),
    h('input', { id: 'q', name: 'q', type: 'search', value: filters.q ?? '' }),
    h('button', { type: 'submit' }, 'Filter'),
  );

  replace(
    main,
    h('h1', {}, triager ? 'Triage queue' : 'Reports'),
    form,
    triager ? h('div', { class: 'bulk', role: 'group', 'aria-label': 'Change the status of the selected reports' }, count, actions) : null,
    status,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: 'reports' },
        h('caption', { class: 'visually-hidden' }, 'Reports, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            triager ? h('th', { scope: 'col' }, all) : null,
            ['Report', 'Campaign', 'Received', 'TLP', 'Status', 'Channel', 'Lang.', 'Loss', 'Text'].map((text) => h('th', { scope: 'col' }, text)),
          ),
        ),
        body,
      ),
    ),
    more,
  );
  await load();
}
