// The money-trail flow: a layered graph drawn in SVG, the victim on the
// left, mules in the middle, endpoints on the right. Edge width follows the
// traced amount (widths are floats; every amount shown is the server's exact
// decimal or an exact BigInt sum of them). Nodes and edges take focus, and
// hovering or focusing one shows its tx ids, timestamps and amounts in a
// live region, so the details reach keyboard and screen-reader users too.

import { h, svg } from './dom';
import { RECOVERY, reasonCell, reasonLegend, reasonText } from './reasons';
import { addDecimal, money, subtractDecimal, when } from './widgets';

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
  /// What can be done there (freeze, exchange, cash_out, spent), from the kind.
  recovery: string;
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
  /// Transfers from the victim (-1 until reached).
  layer: number;
  /// Where the box is drawn: a layer of many accounts spans several columns.
  column: number;
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

/// Most boxes stacked in one column: a layer with more accounts wraps into
/// further columns, so a poison trace that reaches hundreds of accounts
/// grows sideways (scrolling inside its box) instead of into one column
/// thousands of pixels tall.
export const MAX_ROWS = 8;

/// Layers by the fewest transfers from the victim (breadth first, following
/// the flows in the order of their first transfer), so each account sits
/// one step right of where its money first came from; a flow into an
/// account at the same layer or further left is a cycle, drawn back over the
/// top. Accounts no drawn flow reaches (their flows were among the smallest,
/// not drawn) go in a last layer. Each layer then wraps into columns of at
/// most MAX_ROWS boxes, largest amounts first.
function layout(trace: FlowTrace, list: Edge[]): { nodes: Map<string, Node>; columns: number; tallest: number } {
  const nodes = new Map<string, Node>();
  const victim = trace.hops[0]?.from ?? 'victim';
  const add = (account: string) => {
    if (!nodes.has(account)) nodes.set(account, { account, layer: -1, column: 0, row: 0, inflow: '0', endpoint: [] });
    return nodes.get(account) as Node;
  };
  add(victim).layer = 0;
  add(victim).inflow = trace.amount;
  const first = (edge: Edge) => edge.hops.reduce((min, hop) => (hop.timestamp < min ? hop.timestamp : min), edge.hops[0]?.timestamp ?? '');
  const timed = [...list].sort((a, b) => first(a).localeCompare(first(b)));
  const outgoing = new Map<string, Edge[]>();
  for (const edge of timed) {
    add(edge.from);
    add(edge.to);
    outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  }
  const queue = [victim];
  for (let at = 0; at < queue.length; at++) {
    const from = nodes.get(queue[at] as string) as Node;
    for (const edge of outgoing.get(from.account) ?? []) {
      const to = nodes.get(edge.to) as Node;
      if (to.layer < 0) {
        to.layer = from.layer + 1;
        queue.push(to.account);
      }
    }
  }
  for (const edge of list) {
    const node = nodes.get(edge.to);
    if (node && edge.to !== victim) node.inflow = addDecimal(node.inflow, edge.amount);
  }
  for (const endpoint of trace.endpoints) add(endpoint.account).endpoint.push(endpoint);
  const reached = Math.max(0, ...[...nodes.values()].map((node) => node.layer));
  for (const node of nodes.values()) if (node.layer < 0) node.layer = reached + 1;
  const shown = (node: Node) => Number(node.endpoint.length ? node.endpoint.reduce((sum, endpoint) => addDecimal(sum, endpoint.amount), '0') : node.inflow);
  const ordered = [...nodes.values()].sort((a, b) => a.layer - b.layer || shown(b) - shown(a) || a.account.localeCompare(b.account));
  let column = -1;
  let layer = -1;
  let row = MAX_ROWS;
  let tallest = 1;
  for (const node of ordered) {
    if (node.layer !== layer || row >= MAX_ROWS) {
      column += 1;
      row = 0;
      layer = node.layer;
    }
    node.column = column;
    node.row = row;
    row += 1;
    tallest = Math.max(tallest, row);
  }
  return { nodes, columns: column + 1, tallest };
}

/// Traced money per endpoint account, summed exactly over its reasons.
export function endpointTotals(trace: FlowTrace): Map<string, string> {
  const totals = new Map<string, string>();
  for (const endpoint of trace.endpoints) totals.set(endpoint.account, addDecimal(totals.get(endpoint.account) ?? '0', endpoint.amount));
  return totals;
}

/// Exact equality of two decimal strings ("5.0" equals "5.00").
function sameDecimal(a: string, b: string): boolean {
  return !/[1-9]/.test(subtractDecimal(a, b));
}

/// What one rule puts at each endpoint account against another: every
/// account either rule ends at, the ones that differ marked and listed first.
export function differences(base: FlowTrace, other: FlowTrace): HTMLElement {
  const a = endpointTotals(base);
  const b = endpointTotals(other);
  const accounts = [...new Set([...a.keys(), ...b.keys()])];
  const rows = accounts.map((account) => {
    const left = a.get(account) ?? '0';
    const right = b.get(account) ?? '0';
    return { account, left, right, differs: !sameDecimal(left, right) };
  });
  rows.sort((x, y) => Number(y.differs) - Number(x.differs) || Number(y.left) - Number(x.left) || x.account.localeCompare(y.account));
  const differing = rows.filter((row) => row.differs).length;
  const name = (rule: string) => rule.toUpperCase();
  const alike = rows.length - differing;
  return h(
    'section',
    { class: 'card', id: 'flow-differences', 'aria-labelledby': 'differences-heading' },
    h('h2', { id: 'differences-heading' }, `What changes between ${name(base.rule)} and ${name(other.rule)}`),
    h(
      'p',
      { class: 'muted' },
      differing
        ? `${differing} of ${rows.length} endpoint accounts receive a different amount; they are listed here and marked ≠ in both diagrams.`
        : `Both rules put the same amounts at the same ${rows.length} endpoint accounts.`,
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, ''),
            h('th', { scope: 'col' }, 'Endpoint account'),
            h('th', { scope: 'col', class: 'num' }, `Under ${name(base.rule)}`),
            h('th', { scope: 'col', class: 'num' }, `Under ${name(other.rule)}`),
            h('th', { scope: 'col', class: 'num' }, 'Difference'),
          ),
        ),
        h(
          'tbody',
          {},
          rows.filter((row) => row.differs).map((row) =>
            h(
              'tr',
              { 'data-account': row.account, class: row.differs ? 'differs' : null },
              h('td', { class: 'diff-mark', 'aria-label': row.differs ? 'differs' : 'same' }, row.differs ? '≠' : '='),
              h('td', {}, h('code', {}, row.account)),
              h('td', { class: 'num nowrap', 'data-amount': row.left }, money(row.left, base.currency)),
              h('td', { class: 'num nowrap', 'data-amount': row.right }, money(row.right, other.currency)),
              h('td', { class: 'num nowrap' }, row.differs ? signed(subtractDecimal(row.right, row.left), base.currency) : '—'),
            ),
          ),
        ),
      ),
    ),
    alike && differing ? h('p', { class: 'muted small' }, `The other ${alike} endpoint account${alike === 1 ? ' receives' : 's receive'} the same amount under both rules (see the tables below).`) : null,
  );
}

function signed(amount: string, currency: string): string {
  return amount.startsWith('-') ? `−${money(amount.slice(1), currency)}` : `+${money(amount, currency)}`;
}

const short = (account: string) => (account.length > 20 ? `${account.slice(0, 9)}…${account.slice(-9)}` : account);

/// The flow of one trace as a figure: the graph, a detail line and the
/// endpoint table. With `other` (the trace of the same payment under the rule
/// compared with), endpoints whose amount differs between the two are marked.
export function flowFigure(trace: FlowTrace, id: string, other?: FlowTrace): HTMLElement {
  const { list, dropped } = edges(trace);
  const { nodes, columns, tallest } = layout(trace, list);
  const perColumn = new Map<number, number>();
  for (const node of nodes.values()) perColumn.set(node.column, (perColumn.get(node.column) ?? 0) + 1);
  const box = { w: 168, h: 46 };
  const gap = { x: 86, y: 18 };
  // Room around the boxes for flows that curve back (over the top, and out
  // to the sides), so no flow is drawn outside the frame.
  const hasBack = list.some((edge) => {
    const from = nodes.get(edge.from);
    const to = nodes.get(edge.to);
    return from && to && to.column < from.column;
  });
  const pad = { x: 50, top: hasBack ? 70 : 14, bottom: 14 };
  const width = columns * box.w + (columns - 1) * gap.x + 2 * pad.x;
  const height = pad.top + tallest * (box.h + gap.y) - gap.y + pad.bottom;
  const x = (node: Node) => pad.x + node.column * (box.w + gap.x);
  const y = (node: Node) => {
    const count = perColumn.get(node.column) ?? 1;
    const offset = ((tallest - count) * (box.h + gap.y)) / 2;
    return pad.top + offset + node.row * (box.h + gap.y);
  };
  const total = Math.max(Number(trace.amount), Number.EPSILON);
  const mine = endpointTotals(trace);
  const theirs = other ? endpointTotals(other) : null;
  /// The other rule's amount at an account whose amount differs, else null.
  const differs = (account: string): string | null => {
    if (!theirs || !other) return null;
    const here = mine.get(account) ?? '0';
    const there = theirs.get(account) ?? '0';
    return sameDecimal(here, there) ? null : there;
  };
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
    // Between accounts drawn in one column (both reached in as many
    // steps), a flow is a bracket on the column's right; into a column
    // further left (a cycle) it leaves to the right, rises into the band
    // above the boxes and comes down into the target's left side. Control
    // points stay inside the frame, and so does each curve.
    const same = to.column === from.column;
    const back = to.column < from.column;
    const x1 = x(from) + box.w;
    const y1 = y(from) + box.h / 2;
    const x2 = same ? x(to) + box.w : x(to);
    const y2 = y(to) + box.h / 2;
    const top = pad.top / 2;
    const path = same
      ? `M${x1},${y1} C${x1 + 36},${y1} ${x2 + 36},${y2} ${x2},${y2}`
      : back
        ? `M${x1},${y1} C${x1 + pad.x - 6},${top} ${x2 - pad.x + 6},${top} ${x2},${y2}`
        : `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`;
    const strokeWidth = Math.max(1.5, Math.min(28, (28 * Number(edge.amount)) / total));
    const line = svg('path', { d: path, class: back ? 'edge back' : same ? 'edge within' : 'edge', 'stroke-width': strokeWidth.toFixed(1), 'data-amount': edge.amount });
    const hops = edge.hops.map((hop) => `${hop.tx_id} ${when(hop.timestamp)} ${money(hop.amount, trace.currency)}`).join('; ');
    const text = `${edge.from} → ${edge.to}: ${money(edge.amount, trace.currency)} in ${edge.hops.length} transfer${edge.hops.length === 1 ? '' : 's'} (${hops})`;
    focusable(line, `${short(edge.from)} to ${short(edge.to)}, ${money(edge.amount, trace.currency)}`, text);
    graph.append(line);
    // Labels only where they have room: on flows to the next column.
    if (!back && to.column === from.column + 1) {
      const labelY = Math.max(12, (y1 + y2) / 2 - strokeWidth / 2 - 4);
      graph.append(svg('text', { x: (x1 + x2) / 2, y: labelY, class: 'edge-label', 'text-anchor': 'middle' }, money(edge.amount, trace.currency)));
    }
  }
  for (const node of nodes.values()) {
    const isVictim = node.layer === 0 && node.account === (trace.hops[0]?.from ?? '');
    const kind = node.endpoint.length ? 'endpoint' : isVictim ? 'victim' : 'mule';
    const held = node.endpoint.reduce((sum, endpoint) => addDecimal(sum, endpoint.amount), '0');
    const shown = node.endpoint.length ? held : node.inflow;
    const elsewhere = node.endpoint.length ? differs(node.account) : null;
    const group = svg('g', { class: `node ${kind}${elsewhere !== null ? ' differs' : ''}`, 'data-account': node.account, 'data-amount': shown });
    const reasons = node.endpoint.map((endpoint) => reasonText(endpoint.reason)).join('; ');
    const role = isVictim ? 'victim, paid' : node.endpoint.length ? `endpoint (${reasons}), holds` : 'passed on, received';
    const compared = elsewhere !== null && other ? `; under ${other.rule.toUpperCase()} ${money(elsewhere, other.currency)}` : '';
    focusable(group, `${node.account}, ${role} ${money(shown, trace.currency)}${compared}`, `${node.account}: ${role} ${money(shown, trace.currency)}${compared}`);
    group.append(
      svg('rect', { x: x(node), y: y(node), width: box.w, height: box.h, rx: 6 }),
      svg('text', { x: x(node) + 8, y: y(node) + 18, class: 'account' }, short(node.account)),
      svg('text', { x: x(node) + 8, y: y(node) + 36, class: 'amount' }, money(shown, trace.currency)),
    );
    if (elsewhere !== null) group.append(svg('text', { x: x(node) + box.w - 8, y: y(node) + 18, class: 'diff-mark', 'text-anchor': 'end' }, '≠'));
    graph.append(group);
  }
  const endpointRows = trace.endpoints.map((endpoint) => {
    const elsewhere = differs(endpoint.account);
    return h(
      'tr',
      { 'data-account': endpoint.account, class: elsewhere !== null ? 'differs' : null },
      h('td', {}, h('code', {}, endpoint.account), elsewhere !== null ? h('span', { class: 'diff-mark', title: `different under ${other?.rule.toUpperCase()}` }, ' ≠') : null),
      h('td', {}, endpoint.kind),
      h('td', { 'data-recovery': endpoint.recovery, title: RECOVERY[endpoint.recovery]?.explanation ?? '' }, RECOVERY[endpoint.recovery]?.heading ?? endpoint.recovery),
      h('td', {}, reasonCell(endpoint.reason)),
      h('td', { class: 'num amount', 'data-amount': endpoint.amount }, money(endpoint.amount, trace.currency)),
    );
  });
  return h(
    'figure',
    { class: 'card flow-card', id, 'data-rule': trace.rule },
    h('figcaption', {}, `${trace.rule.toUpperCase()}: ${money(trace.amount, trace.currency)} from ${trace.source_tx}`),
    h('div', { class: 'flow-scroll', tabindex: '0', 'aria-label': `Flow diagram under ${trace.rule.toUpperCase()} (scrolls when wide)` }, graph),
    detail,
    dropped ? h('p', { class: 'warn' }, `${dropped} smaller flows are not drawn; the table lists every endpoint.`) : null,
    trace.stopped_at ? h('p', { class: 'warn' }, `The step limit stopped this trace at ${when(trace.stopped_at)}; money then ends where it sat.`) : null,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data endpoints' },
        h('caption', {}, `Endpoints under ${trace.rule} (unresolved ${money(trace.unresolved, trace.currency)}: traced money that reached no endpoint: parts too small to follow, or lost to rounding between currencies)`),
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, 'Account'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'What to do'), h('th', { scope: 'col' }, 'Why the money stops here'), h('th', { scope: 'col', class: 'num' }, 'Amount')),
        ),
        h('tbody', {}, endpointRows.length ? endpointRows : h('tr', {}, h('td', { colspan: 5 }, 'No endpoint: the money is unresolved.'))),
      ),
    ),
    reasonLegend(trace.endpoints.map((endpoint) => endpoint.reason)),
  );
}
