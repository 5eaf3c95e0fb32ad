// The money-trail flow: a layered graph drawn in SVG, the victim on the
// left, mules in the middle, endpoints on the right. Edge width follows the
// traced amount (widths are floats; every amount shown is the server's exact
// decimal or an exact BigInt sum of them). Nodes and edges take focus, and
// hovering or focusing one shows its tx ids, timestamps and amounts in a
// live region, so the details reach keyboard and screen-reader users too.

import { h, svg } from './dom';
import { addDecimal, money, when } from './widgets';

export interface FlowHop {
  tx_id: string;
  from: string;
  to: string;
  amount: string;
  timestamp: string;
}

export interface FlowEndpoint {
  account: string;
  amount: string;
  kind: string;
  reason: string;
}

export interface FlowTrace {
  source_tx: string;
  rule: string;
  amount: string;
  currency: string;
  endpoints: FlowEndpoint[];
  hops: FlowHop[];
  unresolved: string;
  stopped_at?: string | null;
}

/// Edges drawn at most; the endpoint table below the graph is always complete.
const MAX_EDGES = 300;

interface Edge {
  from: string;
  to: string;
  amount: string;
  hops: FlowHop[];
}

interface Node {
  account: string;
  layer: number;
  row: number;
  /// Traced money that reached the account (the victim: what was paid).
  inflow: string;
  endpoint: FlowEndpoint[];
}

/// Joins hops between the same two accounts, keeping the largest flows.
function edges(trace: FlowTrace): { list: Edge[]; dropped: number } {
  const byPair = new Map<string, Edge>();
  for (const hop of trace.hops) {
    const key = `${hop.from}\u0000${hop.to}`;
    const edge = byPair.get(key) ?? { from: hop.from, to: hop.to, amount: '0', hops: [] };
    edge.amount = addDecimal(edge.amount, hop.amount);
    edge.hops.push(hop);
    byPair.set(key, edge);
  }
  const list = [...byPair.values()].sort((a, b) => Number(b.amount) - Number(a.amount));
  return { list: list.slice(0, MAX_EDGES), dropped: Math.max(0, list.length - MAX_EDGES) };
}

/// Layers by the longest path from the victim, following the flows in the
/// order of their first transfer: money moving on lands one layer further
/// right, and only a real cycle draws a flow back to the left.
function layout(trace: FlowTrace, list: Edge[]): Map<string, Node> {
  const nodes = new Map<string, Node>();
  const victim = trace.hops[0]?.from ?? 'victim';
  const add = (account: string, layer: number) => {
    if (!nodes.has(account)) nodes.set(account, { account, layer, row: 0, inflow: '0', endpoint: [] });
    return nodes.get(account) as Node;
  };
  add(victim, 0).inflow = trace.amount;
  const first = (edge: Edge) => edge.hops.reduce((min, hop) => (hop.timestamp < min ? hop.timestamp : min), edge.hops[0]?.timestamp ?? '');
  const timed = [...list].sort((a, b) => first(a).localeCompare(first(b)));
  // Accounts that already passed money on keep their layer: a flow into
  // one of them is a cycle, drawn back to the left.
  const sent = new Set<string>();
  for (const edge of timed) {
    const from = add(edge.from, 1);
    sent.add(edge.from);
    if (edge.to === victim) continue;
    const to = add(edge.to, from.layer + 1);
    if (!sent.has(edge.to)) to.layer = Math.max(to.layer, from.layer + 1);
  }
  for (const edge of list) {
    const node = nodes.get(edge.to);
    if (node && edge.to !== victim) node.inflow = addDecimal(node.inflow, edge.amount);
  }
  for (const endpoint of trace.endpoints) add(endpoint.account, 1).endpoint.push(endpoint);
  const rows = new Map<number, number>();
  const ordered = [...nodes.values()].sort((a, b) => a.layer - b.layer || Number(b.inflow) - Number(a.inflow));
  for (const node of ordered) {
    node.row = rows.get(node.layer) ?? 0;
    rows.set(node.layer, node.row + 1);
  }
  return nodes;
}

const short = (account: string) => (account.length > 20 ? `${account.slice(0, 9)}…${account.slice(-9)}` : account);

/// The flow of one trace as a figure: the graph, a detail line and the endpoint table.
export function flowFigure(trace: FlowTrace, id: string): HTMLElement {
  const { list, dropped } = edges(trace);
  const nodes = layout(trace, list);
  const layers = Math.max(1, ...[...nodes.values()].map((node) => node.layer + 1));
  const perLayer = new Map<number, number>();
  for (const node of nodes.values()) perLayer.set(node.layer, (perLayer.get(node.layer) ?? 0) + 1);
  const tallest = Math.max(1, ...perLayer.values());
  const box = { w: 168, h: 46 };
  const gap = { x: 86, y: 18 };
  const width = layers * box.w + (layers - 1) * gap.x + 20;
  const height = tallest * (box.h + gap.y) + 20;
  const x = (node: Node) => 10 + node.layer * (box.w + gap.x);
  const y = (node: Node) => {
    const count = perLayer.get(node.layer) ?? 1;
    const offset = ((tallest - count) * (box.h + gap.y)) / 2;
    return 10 + offset + node.row * (box.h + gap.y);
  };
  const total = Math.max(Number(trace.amount), Number.EPSILON);
  const detail = h('p', { class: 'flow-detail', id: `${id}-detail`, 'aria-live': 'polite' }, 'Hover over or focus an account or a flow to see its transfers.');
  const show = (text: string) => () => {
    detail.textContent = text;
  };
  const graph = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'group',
    class: 'flow',
    id: `${id}-graph`,
    'aria-label': `Flow of ${trace.source_tx} under ${trace.rule}: ${nodes.size} accounts, ${trace.endpoints.length} endpoints`,
  });
  const focusable = (element: SVGElement, label: string, text: string) => {
    element.setAttribute('tabindex', '0');
    element.setAttribute('aria-label', label);
    element.append(svg('title', {}, text));
    element.addEventListener('mouseenter', show(text));
    element.addEventListener('focus', show(text));
  };
  for (const edge of list) {
    const from = nodes.get(edge.from);
    const to = nodes.get(edge.to);
    if (!from || !to) continue;
    const x1 = x(from) + box.w;
    const y1 = y(from) + box.h / 2;
    const x2 = x(to);
    const y2 = y(to) + box.h / 2;
    const back = to.layer <= from.layer;
    const bend = back ? Math.max(60, (x1 - x2) / 2 + 60) : (x2 - x1) / 2;
    const path = back
      ? `M${x1},${y1} C${x1 + bend},${y1 - 70} ${x2 - bend},${y2 - 70} ${x2},${y2}`
      : `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
    const strokeWidth = Math.max(1.5, Math.min(28, (28 * Number(edge.amount)) / total));
    const line = svg('path', { d: path, class: back ? 'edge back' : 'edge', 'stroke-width': strokeWidth.toFixed(1), 'data-amount': edge.amount });
    const hops = edge.hops.map((hop) => `${hop.tx_id} ${when(hop.timestamp)} ${money(hop.amount, trace.currency)}`).join('; ');
    const text = `${edge.from} → ${edge.to}: ${money(edge.amount, trace.currency)} in ${edge.hops.length} transfer${edge.hops.length === 1 ? '' : 's'} (${hops})`;
    focusable(line, `${short(edge.from)} to ${short(edge.to)}, ${money(edge.amount, trace.currency)}`, text);
    const labelX = (x1 + x2) / 2;
    const labelY = back ? Math.min(y1, y2) - 56 : (y1 + y2) / 2 - strokeWidth / 2 - 4;
    graph.append(line, svg('text', { x: labelX, y: labelY, class: 'edge-label', 'text-anchor': 'middle' }, money(edge.amount, trace.currency)));
  }
  for (const node of nodes.values()) {
    const isVictim = node.layer === 0 && node.account === (trace.hops[0]?.from ?? '');
    const kind = node.endpoint.length ? 'endpoint' : isVictim ? 'victim' : 'mule';
    const held = node.endpoint.reduce((sum, endpoint) => addDecimal(sum, endpoint.amount), '0');
    const shown = node.endpoint.length ? held : node.inflow;
    const group = svg('g', { class: `node ${kind}`, 'data-account': node.account, 'data-amount': shown });
    const reasons = node.endpoint.map((endpoint) => `${endpoint.reason} (${endpoint.kind})`).join(', ');
    const role = isVictim ? 'victim, paid' : node.endpoint.length ? `endpoint: ${reasons}, holds` : 'passed on, received';
    focusable(group, `${node.account}, ${role} ${money(shown, trace.currency)}`, `${node.account}: ${role} ${money(shown, trace.currency)}`);
    group.append(
      svg('rect', { x: x(node), y: y(node), width: box.w, height: box.h, rx: 6 }),
      svg('text', { x: x(node) + 8, y: y(node) + 18, class: 'account' }, short(node.account)),
      svg('text', { x: x(node) + 8, y: y(node) + 36, class: 'amount' }, money(shown, trace.currency)),
    );
    graph.append(group);
  }
  const endpointRows = trace.endpoints.map((endpoint) =>
    h(
      'tr',
      { 'data-account': endpoint.account },
      h('td', {}, h('code', {}, endpoint.account)),
      h('td', {}, endpoint.kind),
      h('td', {}, endpoint.reason),
      h('td', { class: 'num amount', 'data-amount': endpoint.amount }, money(endpoint.amount, trace.currency)),
    ),
  );
  return h(
    'figure',
    { class: 'card flow-card', id, 'data-rule': trace.rule },
    h('figcaption', {}, `${trace.rule.toUpperCase()}: ${money(trace.amount, trace.currency)} from ${trace.source_tx}`),
    h('div', { class: 'flow-scroll' }, graph),
    detail,
    dropped ? h('p', { class: 'warn' }, `${dropped} smaller flows are not drawn; the table lists every endpoint.`) : null,
    trace.stopped_at ? h('p', { class: 'warn' }, `The step limit stopped this trace at ${when(trace.stopped_at)}; money then ends where it sat.`) : null,
    h(
      'table',
      { class: 'data endpoints' },
      h('caption', {}, `Endpoints under ${trace.rule} (unresolved ${money(trace.unresolved, trace.currency)})`),
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, 'Account'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Reason'), h('th', { scope: 'col', class: 'num' }, 'Amount')),
      ),
      h('tbody', {}, endpointRows.length ? endpointRows : h('tr', {}, h('td', { colspan: 4 }, 'No endpoint: the money is unresolved.'))),
    ),
  );
}
