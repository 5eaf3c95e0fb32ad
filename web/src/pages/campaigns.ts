// Campaigns: the list (sortable by victims, loss and last seen, filtered by
// scam type, both kept in the address) and one campaign as an interactive
// indicator–report network with its time line. Everything comes from the
// API under the caller's access: a report they may not read, and whatever
// only it names, is simply not in the answer.

import { api, ok } from '../api/client';
import type { PageContext } from '../app';
import { navigate } from '../app';
import { columns, overTime } from '../charts';
import { h, replace } from '../dom';
import { AGGREGATE_FROM_REPORTS, clusterReports, type Cluster } from '../clusters';
import { TYPE_COLOURS, drawClusters, drawGraph, edgeTooltips, toggleMembers, type Drawn, type GraphNode, type GraphPayload } from '../graph';
import { money, tlpBadge, when } from '../widgets';

/// A campaign as GET /api/v1/campaigns lists it.
interface CampaignSummary {
  /// Opaque and stable (`cmp-…`): the same for everyone who sees the campaign.
  id: string;
  /// Its scam type and most specific indicator.
  name: string;
  reports: (string | number)[];
  victims: number;
  loss: Record<string, string>;
  first_seen: string;
  last_seen: string;
  scam_types: Record<string, number>;
}

const SORTS = { victims: 'Victims', loss: 'Loss', last_seen: 'Last seen' } as const;
type Sort = keyof typeof SORTS;

/// Compares two exact decimal strings (non-negative) without floats.
function compareDecimal(a: string, b: string): number {
  const [wa = '0', fa = ''] = a.split('.');
  const [wb = '0', fb = ''] = b.split('.');
  const width = Math.max(fa.length, fb.length);
  const x = BigInt(wa + fa.padEnd(width, '0'));
  const y = BigInt(wb + fb.padEnd(width, '0'));
  return x === y ? 0 : x < y ? -1 : 1;
}

const losses = (loss: Record<string, string>) =>
  Object.entries(loss).map(([currency, amount]) => money(amount, currency)).join(' + ') || '—';

const types = (scamTypes: Record<string, number>) =>
  Object.entries(scamTypes)
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${type.replaceAll('_', ' ')} (${n})`)
    .join(', ') || '—';

export async function campaignList({ main, query }: PageContext): Promise<void> {
  replace(main, h('h1', {}, 'Campaigns'), h('p', { class: 'muted' }, 'Loading…'));
  const list = ok(await api.GET('/api/v1/campaigns', { params: { query: {} } })) as unknown as CampaignSummary[];
  const sort: Sort = (Object.keys(SORTS) as Sort[]).find((key) => key === query.get('sort')) ?? 'victims';
  const scamType = query.get('scam_type') ?? '';
  // Amounts in different currencies do not compare: loss sorts by the
  // currency most campaigns lost in, then by the others' count.
  const currencyUse = new Map<string, number>();
  for (const campaign of list) for (const code of Object.keys(campaign.loss)) currencyUse.set(code, (currencyUse.get(code) ?? 0) + 1);
  const mainCurrency = [...currencyUse.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const order: Record<Sort, (a: CampaignSummary, b: CampaignSummary) => number> = {
    victims: (a, b) => b.victims - a.victims,
    loss: (a, b) =>
      compareDecimal(b.loss[mainCurrency] ?? '0', a.loss[mainCurrency] ?? '0') ||
      Object.keys(b.loss).length - Object.keys(a.loss).length,
    last_seen: (a, b) => Date.parse(b.last_seen) - Date.parse(a.last_seen),
  };
  const allTypes = [...new Set(list.flatMap((campaign) => Object.keys(campaign.scam_types)))].sort();
  const shown = list
    .filter((campaign) => !scamType || campaign.scam_types[scamType] !== undefined)
    .sort((a, b) => order[sort](a, b) || Date.parse(a.first_seen) - Date.parse(b.first_seen) || a.id.localeCompare(b.id));

  const go = (next: { sort?: string; scam_type?: string }) => {
    const params = new URLSearchParams({ sort, scam_type: scamType, ...next });
    for (const [key, value] of [...params]) if (!value) params.delete(key);
    navigate(`/campaigns${params.size ? `?${params}` : ''}`);
  };
  const header = (key: Sort) => {
    const label = key === 'loss' && mainCurrency ? `Loss (sorted by ${mainCurrency})` : SORTS[key];
    return h(
      'th',
      { scope: 'col', class: key === 'last_seen' ? '' : 'num', 'aria-sort': sort === key ? 'descending' : null },
      h('button', { type: 'button', class: 'sort', 'data-sort': key, onclick: () => go({ sort: key }) }, label, sort === key ? ' ▼' : ''),
    );
  };
  const filter = h(
    'select',
    { id: 'scam-type', onchange: (event: Event) => go({ scam_type: (event.target as HTMLSelectElement).value }) },
    h('option', { value: '' }, 'any'),
    allTypes.map((type) => h('option', { value: type, selected: type === scamType }, type.replaceAll('_', ' '))),
  );
  replace(
    main,
    h('h1', {}, 'Campaigns'),
    h(
      'p',
      { class: 'lead' },
      'Reports linked by the specific values they share (phones, accounts, links, wallets) and by near-identical texts. You see only links made through reports you may read.',
    ),
    h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'scam-type' }, 'Scam type'), filter)),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: 'campaigns' },
        h('caption', {}, `${shown.length} campaign${shown.length === 1 ? '' : 's'} of two reports or more`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Campaign'),
            h('th', { scope: 'col', class: 'num' }, 'Reports'),
            header('victims'),
            header('loss'),
            h('th', { scope: 'col' }, 'First seen'),
            header('last_seen'),
            h('th', { scope: 'col' }, 'Scam types'),
          ),
        ),
        h(
          'tbody',
          {},
          shown.length
            ? shown.map((campaign) =>
                h(
                  'tr',
                  { 'data-id': campaign.id },
                  h('td', {}, h('a', { href: `/campaigns/${campaign.id}`, class: 'campaign-name' }, campaign.name), h('div', { class: 'muted mono small' }, campaign.id)),
                  h('td', { class: 'num' }, campaign.reports.length),
                  h('td', { class: 'num victims' }, campaign.victims),
                  h('td', { class: 'num loss' }, Object.entries(campaign.loss).map(([currency, amount]) => h('div', { class: 'nowrap' }, money(amount, currency)))),
                  h('td', { class: 'nowrap' }, when(campaign.first_seen)),
                  h('td', { class: 'nowrap last-seen' }, when(campaign.last_seen)),
                  h('td', {}, types(campaign.scam_types)),
                ),
              )
            : h('tr', {}, h('td', { colspan: '7', class: 'muted' }, 'No campaign matches.')),
        ),
      ),
    ),
  );
}

/// An indicator's weight in words (its specificity, `ln(case reports ÷
/// reports naming it)` roughly): "5.45" alone means nothing to a reader.
export function specificityWords(weight: number): string {
  const oneIn = Math.max(1, Math.round(Math.exp(weight)));
  return `${weight.toFixed(2)}: about 1 report in ${oneIn.toLocaleString('en')} of the case names it; the rarer a shared value, the more it says`;
}

/// Above this many nodes a campaign is drawn as groups even with fewer reports.
const AGGREGATE_FROM_NODES = 1500;

/// Report links listed at once in a group's panel.
const LISTED_REPORTS = 100;

/// The side panel's content for a group of reports.
function groupDetails(cluster: Cluster, open: boolean, toggle: () => void): (HTMLElement | null)[] {
  const indicator = cluster.indicator;
  const listed = cluster.reports.slice(0, LISTED_REPORTS);
  return [
    h('h2', { id: 'panel-heading' }, `${cluster.reports.length} reports`),
    h(
      'p',
      {},
      indicator
        ? ['Linked by ', indicator.type ?? 'value', ' ', h('a', { href: `/search?q=${encodeURIComponent(indicator.normalized ?? '')}` }, h('code', {}, indicator.normalized ?? '')), ', which they all name.']
        : cluster.id === 'gother'
          ? 'Reports of this campaign that share none of its linking values with others drawn here (linked through reports or values outside the drawn part).'
          : 'Reports linked by near-duplicate texts: the same script sent to many victims.',
    ),
    indicator
      ? h(
          'dl',
          { class: 'facts' },
          fact('Reports naming it', indicator.reports ?? cluster.reports.length),
          fact('Specificity', (indicator.weight ?? 0).toFixed(2)),
        )
      : null,
    indicator ? h('p', { class: 'specificity small' }, `Specificity ${specificityWords(indicator.weight ?? 0)}.`) : null,
    h('p', {}, h('button', { type: 'button', class: 'secondary small', id: 'group-toggle', 'aria-pressed': String(open), onclick: toggle }, open ? 'Hide its reports in the graph' : 'Show its reports in the graph')),
    h('h3', {}, 'Reports'),
    h(
      'ul',
      { class: 'plain', id: 'group-reports' },
      listed.map((report) => h('li', {}, h('a', { href: `/reports/${report.report_id}` }, report.external_id ?? `#${report.report_id}`), report.scam_type ? h('span', { class: 'muted' }, ` · ${report.scam_type.replaceAll('_', ' ')}`) : null)),
    ),
    cluster.reports.length > listed.length ? h('p', { class: 'muted' }, `and ${cluster.reports.length - listed.length} more; the group’s value links to all of them.`) : null,
  ];
}

function fact(term: string, value: Node | string | number): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, typeof value === 'number' ? String(value) : value)];
}

function legend(): HTMLElement {
  const item = (label: string, colour: string, shape = '') =>
    h('li', {}, h('span', { class: `swatch ${shape}`, 'data-colour': colour }), label);
  const entries = [
    item('report', TYPE_COLOURS.report ?? '', 'square'),
    item('phone', TYPE_COLOURS.phone ?? ''),
    item('link', TYPE_COLOURS.url ?? ''),
    item('domain', TYPE_COLOURS.domain ?? ''),
    item('e-mail', TYPE_COLOURS.email ?? ''),
    item('account / IBAN', TYPE_COLOURS.iban ?? ''),
    item('wallet', TYPE_COLOURS.btc ?? ''),
    item('messenger', TYPE_COLOURS.telegram ?? ''),
    item('hub (never links)', '#9aa3ad', 'diamond'),
    item('known legitimate', '#1e6b36', 'octagon'),
  ];
  return h('ul', { class: 'legend', 'aria-label': 'Legend' }, entries);
}

/// The side panel's content for one node.
function details(node: GraphNode, payload: GraphPayload, select: (id: string) => void): HTMLElement[] {
  if (node.kind === 'report') {
    const named = payload.edges
      .filter((edge) => edge.source === node.id && edge.kind === 'indicator')
      .map((edge) => payload.nodes.find((other) => other.id === edge.target))
      .filter((other): other is GraphNode => Boolean(other));
    return [
      h('h2', { id: 'panel-heading' }, 'Report ', node.external_id ?? `#${node.report_id}`, ' ', tlpBadge(node.tlp ?? 'amber')),
      h(
        'dl',
        { class: 'facts' },
        fact('Internal id', `#${node.report_id}`),
        fact('Scam type', node.scam_type?.replaceAll('_', ' ') ?? '—'),
        fact('First seen', when(node.first_seen)),
        fact('Claimed loss', money(node.loss?.amount, node.loss?.currency)),
      ),
      h('p', {}, h('a', { href: `/reports/${node.report_id}`, id: 'panel-report-link' }, 'Open the report →')),
      h('h3', {}, 'Names'),
      h(
        'ul',
        { class: 'plain' },
        named.map((other) =>
          h('li', {}, h('button', { type: 'button', class: 'link-like', onclick: () => select(other.id) }, `${other.type}: ${other.normalized}`)),
        ),
      ),
    ];
  }
  const reports = payload.edges
    .filter((edge) => edge.target === node.id)
    .map((edge) => payload.nodes.find((other) => other.id === edge.source))
    .filter((other): other is GraphNode => Boolean(other));
  const role = node.known_legitimate
    ? 'known legitimate: never links'
    : node.hub
      ? 'hub: too common or generic to link reports'
      : node.role === 'links'
        ? 'links the reports that name it'
        : 'named by one report only';
  return [
    h('h2', { id: 'panel-heading' }, node.type ?? 'indicator'),
    h('p', {}, h('code', {}, node.normalized ?? '')),
    h(
      'dl',
      { class: 'facts' },
      fact('Reports naming it', node.reports ?? 0),
      fact('Role', role),
      fact('Specificity', (node.weight ?? 0).toFixed(2)),
    ),
    h('p', { class: 'specificity small' }, `Specificity ${specificityWords(node.weight ?? 0)}.`),
    h('h3', {}, 'Reports'),
    h(
      'ul',
      { class: 'plain' },
      reports.map((other) =>
        h(
          'li',
          {},
          h('a', { href: `/reports/${other.report_id}` }, other.external_id ?? `#${other.report_id}`),
          ' ',
          h('button', { type: 'button', class: 'link-like small', onclick: () => select(other.id) }, 'show in graph'),
        ),
      ),
    ),
  ];
}

export async function campaignView({ main, params }: PageContext): Promise<void> {
  const id = params.id ?? '';
  if (!/^cmp-[0-9a-z]{26}$/i.test(id)) {
    replace(main, h('h1', {}, 'Campaign not found'), h('p', {}, 'Campaign ids look like cmp- followed by 26 letters and digits.'));
    return;
  }
  replace(main, h('h1', {}, 'Campaign'), h('p', { class: 'muted' }, 'Loading the network…'));
  const [summaryResult, graphResult] = await Promise.all([
    api.GET('/api/v1/campaigns/{id}', { params: { path: { id } } }),
    api.GET('/api/v1/campaigns/{id}/graph', { params: { path: { id } } }),
  ]);
  if (summaryResult.response.status === 404 || graphResult.response.status === 404) {
    replace(main, h('h1', {}, 'Campaign not found'), h('p', {}, 'It does not exist, or none of its reports is yours to read.'));
    return;
  }
  const summary = ok(summaryResult) as unknown as CampaignSummary;
  const payload = ok(graphResult);
  const byId = new Map(payload.nodes.map((node) => [node.id, node]));
  const explanations = new Map(payload.edges.map((edge) => [edge.id, edge.explanation]));

  const container = h('div', { id: 'campaign-graph', class: 'graph', role: 'img', 'aria-label': `Network of campaign ${summary.name}: ${payload.nodes.length} nodes` });
  const tip = h('div', { class: 'graph-tip', id: 'edge-tip', role: 'tooltip', hidden: true });
  const panel = h('aside', { class: 'card graph-panel', id: 'node-panel', 'aria-live': 'polite', 'aria-labelledby': 'panel-heading' }, h('h2', { id: 'panel-heading' }, 'Details'), h('p', { class: 'muted' }, 'Select a node to see its details.'));
  const status = h('p', { class: 'muted', id: 'graph-status' }, 'Laying out…');
  const reportCount = payload.nodes.filter((node) => node.kind === 'report').length;
  const grouped = reportCount >= AGGREGATE_FROM_REPORTS || payload.nodes.length > AGGREGATE_FROM_NODES;
  const { clusters, links } = grouped ? clusterReports(payload) : { clusters: [], links: [] };
  const lossDays = payload.timeline.filter((day) => Object.keys(day.loss).length);
  // The loss chart shows the currency lost on the most days.
  const lossDaysBy = new Map<string, number>();
  for (const day of lossDays) for (const code of Object.keys(day.loss)) lossDaysBy.set(code, (lossDaysBy.get(code) ?? 0) + 1);
  const currency = [...lossDaysBy.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const reportBars = overTime(payload.timeline.map((day) => ({ day: day.day, value: day.reports })));
  const lossBars = overTime(
    lossDays
      .filter((day) => day.loss[currency] !== undefined)
      .map((day) => ({ day: day.day, value: Number(day.loss[currency]), text: money(day.loss[currency], currency) })),
  );
  const lossCodes = Object.keys(summary.loss);
  const lossTile =
    lossCodes.length > 2
      ? `${losses(Object.fromEntries(lossCodes.slice(0, 2).map((code) => [code, summary.loss[code] ?? '0'])))} + ${lossCodes.length - 2} more`
      : losses(summary.loss);
  replace(
    main,
    h('p', {}, h('a', { href: '/campaigns' }, '← Campaigns')),
    h('h1', {}, summary.name),
    h('p', { class: 'muted mono small', id: 'campaign-id' }, id),
    h(
      'p',
      { id: 'campaign-exports' },
      'Share with partners (what you may read, up to TLP:GREEN, no report texts): ',
      ...(['stix', 'misp', 'ftm'] as const).flatMap((format, at) => [
        at ? ' · ' : '',
        h('a', { href: `/api/v1/export/${format}?campaign=${encodeURIComponent(id)}&tlp_max=green`, download: `${id}.${format === 'ftm' ? 'ftm.jsonl' : `${format}.json`}` }, { stix: 'STIX 2.1', misp: 'MISP', ftm: 'FollowTheMoney' }[format]),
      ]),
    ),
    h(
      'div',
      { class: 'tiles' },
      ...[
        ['victims', summary.victims],
        ['reports you may read', summary.reports.length],
        ['lost', lossTile],
        ['first seen → last seen', `${when(summary.first_seen).slice(0, 10)} → ${when(summary.last_seen).slice(0, 10)}`],
      ].map(([label, value]) => h('div', { class: 'tile' }, h('span', { class: 'tile-value' }, String(value)), h('span', { class: 'tile-label' }, String(label)))),
    ),
    h('p', {}, 'Scam types: ', types(summary.scam_types)),
    lossCodes.length > 2 ? h('p', {}, 'Lost: ', losses(summary.loss)) : null,
    payload.truncated
      ? h(
          'p',
          { class: 'info', id: 'graph-truncated', role: 'status' },
          `A large campaign: the network below holds its earliest reports with what they name (${payload.nodes.length.toLocaleString('en')} of ${payload.total_nodes.toLocaleString('en')} nodes). The figures above and the time line count every report you may read.`,
        )
      : null,
    h(
      'div',
      { class: 'graph-layout' },
      h(
        'section',
        { class: 'card graph-card', 'aria-labelledby': 'network-heading' },
        h(
          'h2',
          { id: 'network-heading' },
          grouped
            ? `Network: ${reportCount} reports in ${clusters.length} groups, each of the reports naming the same linking value`
            : `Network: ${reportCount} reports, ${payload.nodes.length - reportCount} indicators, ${payload.edges.length} links`,
        ),
        grouped
          ? h('p', { class: 'muted', id: 'group-hint' }, 'Too many reports to draw one by one: each circle is a group of reports sharing a phone, account, link or wallet (size: its reports); a line joins groups whose reports name each other’s value. Select a group to list its reports or show them in the graph.')
          : null,
        h('div', { class: 'graph-wrap' }, container, tip),
        status,
        legend(),
      ),
      panel,
    ),
    h(
      'div',
      { class: 'grid' },
      columns(`Reports per ${reportBars.per} (UTC)`, reportBars.bars, 'reports'),
      columns(`Loss per ${lossBars.per}${currency ? ` (${currency})` : ''}`, lossBars.bars, 'loss'),
    ),
  );
  for (const swatch of main.querySelectorAll<HTMLElement>('.swatch')) swatch.style.backgroundColor = swatch.dataset.colour ?? '';

  const drawn: Drawn = grouped ? await drawClusters(container, clusters, links) : await drawGraph(container, payload);
  const { cy } = drawn;
  // The box changes size when a phone turns or the window narrows past
  // the side panel: the drawing follows instead of spilling out of it.
  new ResizeObserver(() => cy.resize()).observe(container);
  const clusterById = new Map(clusters.map((cluster) => [cluster.id, cluster]));
  links.forEach((link, index) =>
    explanations.set(
      `cl${index}`,
      `${link.reports} report${link.reports === 1 ? '' : 's'} of one group ${link.reports === 1 ? 'names' : 'name'} the other group’s value (or ${link.reports === 1 ? 'copies' : 'copy'} its texts)`,
    ),
  );
  const selectGroup = (clusterId: string) => {
    const cluster = clusterById.get(clusterId);
    if (!cluster) return;
    cy.nodes().unselect();
    cy.getElementById(clusterId).select();
    const toggle = () => {
      const open = toggleMembers(cy, cluster);
      container.dataset.nodes = String(cy.nodes().length);
      replace(panel, ...groupDetails(cluster, open, toggle));
      panel.querySelector<HTMLButtonElement>('#group-toggle')?.focus();
    };
    replace(panel, ...groupDetails(cluster, cy.nodes(`.member[group = "${clusterId}"]`).length > 0, toggle));
  };
  const select = (nodeId: string) => {
    // In the grouped view a value that links reports is drawn as its group.
    const group = clusterById.has(nodeId) ? nodeId : clusterById.has(`g${nodeId}`) ? `g${nodeId}` : '';
    if (group) {
      selectGroup(group);
      return;
    }
    const member = cy.getElementById(nodeId);
    const node = byId.get(member.nonempty() && member.data('report') ? (member.data('report') as string) : nodeId);
    if (!node) return;
    cy.nodes().unselect();
    const element = cy.getElementById(nodeId);
    element.select();
    cy.animate({ center: { eles: element } }, { duration: 200 });
    replace(panel, ...details(node, payload, select));
  };
  cy.on('tap', 'node', (event) => select(event.target.id()));
  edgeTooltips(cy, tip, (edgeId) => explanations.get(edgeId) ?? '');
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.edges = String(cy.edges().length);
  container.dataset.layout = drawn.layout;
  container.dataset.view = grouped ? 'groups' : 'network';
  container.dataset.groups = String(clusters.length);
  container.dataset.layoutMs = String(Math.round(drawn.layoutMs));
  container.dataset.ready = 'true';
  // A hook for the browser tests, which measure frames while panning.
  (window as unknown as { crackdownGraph?: unknown }).crackdownGraph = { cy, select, clusters: clusters.map((cluster) => ({ id: cluster.id, reports: cluster.reports.map((report) => report.id) })) };
  status.textContent = `Layout: ${drawn.layout} in ${Math.round(drawn.layoutMs)} ms. Drag to pan, scroll to zoom, select a node for details; hover a link for why it is there.`;
}
