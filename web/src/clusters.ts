// The aggregated view of a large campaign. Above a few hundred reports a
// node per report is unreadable whatever the layout, so reports are grouped
// by the value that links them: each report joins the group of the linking
// indicator (phone, account, link, wallet…) it names that the most reports
// of the campaign share, a report linked only by near-duplicate text joins
// the group of texts it copies, and what remains is one group of its own.
// Groups are drawn as single nodes sized by their reports and joined where
// a report of one names the other's value; a group opens into its reports.

import type { GraphNode, GraphPayload } from './graph';

/// From this many report nodes on, the campaign page draws groups.
export const AGGREGATE_FROM_REPORTS = 300;

export interface Cluster {
  /// `g<indicator node id>`, `gtext<n>` or `gother`.
  id: string;
  /// The linking indicator the reports share (absent for text groups).
  indicator: GraphNode | null;
  label: string;
  reports: GraphNode[];
}

export interface ClusterLink {
  source: string;
  target: string;
  /// Reports of one group naming the other's value (or near-duplicate pairs).
  reports: number;
}

/// Union-find over report ids, for reports joined by near-duplicate texts.
function groupsOf(ids: string[], pairs: [string, string][]): string[][] {
  const parent = new Map(ids.map((id) => [id, id]));
  const root = (id: string): string => {
    let at = id;
    while (parent.get(at) !== at) at = parent.get(at) as string;
    parent.set(id, at);
    return at;
  };
  for (const [a, b] of pairs) if (parent.has(a) && parent.has(b)) parent.set(root(a), root(b));
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const group = groups.get(root(id));
    if (group) group.push(id);
    else groups.set(root(id), [id]);
  }
  return [...groups.values()];
}

/// Every report in exactly one group, the largest groups first.
export function clusterReports(payload: GraphPayload): { clusters: Cluster[]; links: ClusterLink[] } {
  const byId = new Map(payload.nodes.map((node) => [node.id, node]));
  const linking = (node: GraphNode | undefined) => node?.kind === 'indicator' && node.role === 'links' && !node.hub && !node.known_legitimate;
  const named = new Map<string, string[]>();
  const sharing = new Map<string, number>();
  for (const edge of payload.edges) {
    if (edge.kind !== 'indicator' || !linking(byId.get(edge.target))) continue;
    const values = named.get(edge.source);
    if (values) values.push(edge.target);
    else named.set(edge.source, [edge.target]);
    sharing.set(edge.target, (sharing.get(edge.target) ?? 0) + 1);
  }
  const reports = payload.nodes.filter((node) => node.kind === 'report');
  const groupOf = new Map<string, string>();
  const members = new Map<string, GraphNode[]>();
  const join = (group: string, report: GraphNode) => {
    groupOf.set(report.id, group);
    const list = members.get(group);
    if (list) list.push(report);
    else members.set(group, [report]);
  };
  const loose: GraphNode[] = [];
  for (const report of reports) {
    const values = named.get(report.id) ?? [];
    const best = values.sort(
      (a, b) => (sharing.get(b) ?? 0) - (sharing.get(a) ?? 0) || (byId.get(b)?.weight ?? 0) - (byId.get(a)?.weight ?? 0) || a.localeCompare(b),
    )[0];
    if (best) join(`g${best}`, report);
    else loose.push(report);
  }
  const textPairs = payload.edges.filter((edge) => edge.kind === 'near_duplicate_text').map((edge) => [edge.source, edge.target] as [string, string]);
  const texts = groupsOf(loose.map((report) => report.id), textPairs);
  let textGroups = 0;
  for (const ids of texts) {
    const group = ids.length > 1 ? `gtext${textGroups++}` : 'gother';
    for (const id of ids) join(group, byId.get(id) as GraphNode);
  }
  const clusters: Cluster[] = [...members.entries()].map(([id, list]) => {
    const indicator = id.startsWith('gtext') || id === 'gother' ? null : (byId.get(id.slice(1)) ?? null);
    const label = indicator
      ? `${indicator.type}: ${indicator.normalized ?? ''}`
      : id === 'gother'
        ? 'reports linked in other ways'
        : 'near-duplicate texts';
    return { id, indicator, label, reports: list };
  });
  clusters.sort((a, b) => b.reports.length - a.reports.length || a.id.localeCompare(b.id));
  const counts = new Map<string, ClusterLink>();
  const count = (a: string | undefined, b: string | undefined) => {
    if (!a || !b || a === b) return;
    const [source, target] = a < b ? [a, b] : [b, a];
    const key = `${source}\u0000${target}`;
    const link = counts.get(key) ?? { source, target, reports: 0 };
    link.reports += 1;
    counts.set(key, link);
  };
  for (const [report, values] of named) for (const value of values) if (members.has(`g${value}`)) count(groupOf.get(report), `g${value}`);
  for (const [a, b] of textPairs) count(groupOf.get(a), groupOf.get(b));
  return { clusters, links: [...counts.values()] };
}
