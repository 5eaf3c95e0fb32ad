// The campaign network drawn with Cytoscape.js: reports and the indicators
// they name, coloured by node type, sized by degree, hubs drawn apart.
// Large graphs stay readable and interactive: a campaign of hundreds of
// reports is drawn as groups (`clusters.ts`, `drawClusters`) rather than a
// node per report; above SMALL nodes the force layout runs fewer rounds,
// and above LARGE the renderer draws a texture while panning, hides edges
// while moving and shows labels only when zoomed in far enough to read them.

import cytoscape, { type Core, type ElementDefinition, type EventObject } from 'cytoscape';
import type { Schemas } from './api/client';
import type { Cluster, ClusterLink } from './clusters';
import { h } from './dom';

export type GraphPayload = Schemas['CampaignGraphDto'];
export type GraphNode = Schemas['GraphNode'];
export type GraphEdge = Schemas['GraphEdgeDto'];

/// Up to this many nodes the force-directed layout (cose) runs.
const SMALL = 400;
/// From this many nodes on, the renderer's costly details are switched off.
const LARGE = 1000;

/// Node colours by type, from a colour-blind-safe palette (Okabe–Ito).
export const TYPE_COLOURS: Record<string, string> = {
  report: '#0072b2',
  phone: '#d55e00',
  url: '#cc79a7',
  domain: '#e69f00',
  email: '#009e73',
  iban: '#56b4e9',
  bank_account: '#56b4e9',
  btc: '#f0e442',
  eth: '#f0e442',
  tron: '#f0e442',
  sol: '#f0e442',
  ltc: '#f0e442',
  telegram: '#8b5cf6',
  whatsapp: '#8b5cf6',
  line: '#8b5cf6',
  wechat: '#8b5cf6',
};
const OTHER = '#7f8c8d';
const HUB = '#9aa3ad';

export function colourOf(node: GraphNode): string {
  if (node.kind === 'report') return TYPE_COLOURS.report ?? OTHER;
  if (node.hub) return HUB;
  return TYPE_COLOURS[node.type ?? ''] ?? OTHER;
}

/// What the page learns from the drawing, for its side panel and tests.
export interface Drawn {
  cy: Core;
  layoutMs: number;
  layout: string;
}

/// Cytoscape's renderer injects a <style> for its container unless one with
/// this id exists; the server's CSP forbids inline styles, so the rule lives
/// in style.css and this marker stops the injection.
function markStylesheet(): void {
  const id = '__________cytoscape_stylesheet';
  if (!document.getElementById(id)) document.head.append(h('meta', { id, name: 'cytoscape-style', content: 'style.css' }));
}

function elements(payload: GraphPayload): ElementDefinition[] {
  const degree = new Map<string, number>();
  for (const edge of payload.edges) {
    degree.set(edge.source, (degree.get(edge.source) ?? 0) + 1);
    degree.set(edge.target, (degree.get(edge.target) ?? 0) + 1);
  }
  const nodes: ElementDefinition[] = payload.nodes.map((node) => {
    const deg = degree.get(node.id) ?? 0;
    const label =
      node.kind === 'report' ? (node.external_id ?? `#${node.report_id}`) : `${node.type}: ${node.normalized ?? ''}`;
    return {
      group: 'nodes',
      data: {
        id: node.id,
        label: label.length > 40 ? `${label.slice(0, 39)}…` : label,
        colour: colourOf(node),
        size: Math.min(80, 14 + 6 * Math.sqrt(deg)),
        degree: deg,
      },
      classes: [
        node.kind,
        node.hub ? 'hub' : '',
        node.known_legitimate ? 'legit' : '',
        node.tlp === 'red' ? 'red' : '',
      ].filter(Boolean),
    };
  });
  const edges: ElementDefinition[] = payload.edges.map((edge) => ({
    group: 'edges',
    data: { id: edge.id, source: edge.source, target: edge.target },
    classes: [edge.kind],
  }));
  return [...nodes, ...edges];
}

/// Draws `payload` into `container` and resolves once the layout is done.
export function drawGraph(container: HTMLElement, payload: GraphPayload): Promise<Drawn> {
  markStylesheet();
  const count = payload.nodes.length;
  const large = count >= LARGE;
  const started = performance.now();
  const cy = cytoscape({
    container,
    elements: elements(payload),
    minZoom: 0.05,
    maxZoom: 4,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
    textureOnViewport: large,
    hideEdgesOnViewport: large,
    hideLabelsOnViewport: large,
    motionBlur: false,
    pixelRatio: large ? 1 : 'auto',
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(colour)',
          width: 'data(size)',
          height: 'data(size)',
          label: 'data(label)',
          'font-size': 10,
          color: '#1b2430',
          'text-valign': 'bottom',
          'text-margin-y': 3,
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.8,
          'text-background-padding': '1px',
          // No labels until zoomed in enough to read them.
          'min-zoomed-font-size': large ? 12 : 7,
          'border-width': 1,
          'border-color': '#ffffff',
        },
      },
      { selector: 'node.report', style: { shape: 'round-rectangle' } },
      { selector: 'node.red', style: { 'border-width': 3, 'border-color': '#ff2b2b' } },
      {
        selector: 'node.hub',
        style: { shape: 'diamond', 'border-width': 2, 'border-style': 'dashed', 'border-color': '#4b5563' },
      },
      { selector: 'node.legit', style: { shape: 'octagon', 'border-color': '#1e6b36', 'border-width': 3 } },
      {
        selector: 'edge',
        style: {
          width: 1,
          'line-color': '#9fb0c3',
          'curve-style': large ? 'haystack' : 'straight',
          opacity: large ? 0.5 : 0.8,
        },
      },
      { selector: 'edge.near_duplicate_text', style: { 'line-color': '#0072b2', 'line-style': 'dashed', width: 2 } },
      { selector: 'edge.hovered', style: { 'line-color': '#ffbf47', width: 4, opacity: 1 } },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#ffbf47' } },
    ],
    layout: { name: 'preset' },
  });
  const layout = 'cose';
  return new Promise((resolve) => {
    const run = cy.layout({
      name: 'cose',
      animate: false,
      randomize: true,
      // Fewer rounds for bigger graphs keep the layout within a few seconds.
      numIter: count <= SMALL ? 600 : 200,
      nodeRepulsion: () => 8000,
      idealEdgeLength: () => 50,
      fit: true,
      padding: 20,
    });
    run.one('layoutstop', () => resolve({ cy, layoutMs: performance.now() - started, layout }));
    run.run();
  });
}

/// Most groups laid out by force; beyond, groups go in a grid, largest first.
const FORCE_GROUPS = 400;

/// Draws a large campaign as groups of reports: one node per group, sized by
/// its reports and coloured by the type of the value its reports share,
/// joined where reports of one group name another's value.
export function drawClusters(container: HTMLElement, clusters: Cluster[], links: ClusterLink[]): Promise<Drawn> {
  markStylesheet();
  const started = performance.now();
  const most = Math.max(1, ...clusters.map((cluster) => cluster.reports.length));
  const elements: ElementDefinition[] = [
    ...clusters.map((cluster) => ({
      group: 'nodes' as const,
      data: {
        id: cluster.id,
        label: `${cluster.label.length > 36 ? `${cluster.label.slice(0, 35)}…` : cluster.label} (${cluster.reports.length})`,
        colour: cluster.indicator ? colourOf(cluster.indicator) : (TYPE_COLOURS.report ?? OTHER),
        size: 18 + 70 * Math.sqrt(cluster.reports.length / most),
      },
      classes: ['cluster'],
    })),
    ...links.map((link, index) => ({
      group: 'edges' as const,
      data: { id: `cl${index}`, source: link.source, target: link.target, width: Math.min(8, 1 + Math.log2(link.reports)) },
      classes: ['cluster-link'],
    })),
  ];
  const cy = cytoscape({
    container,
    elements,
    minZoom: 0.05,
    maxZoom: 4,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(colour)',
          width: 'data(size)',
          height: 'data(size)',
          label: 'data(label)',
          'font-size': 11,
          color: '#1b2430',
          'text-valign': 'bottom',
          'text-margin-y': 3,
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.85,
          'text-background-padding': '1px',
          'min-zoomed-font-size': 6,
          'border-width': 2,
          'border-color': '#ffffff',
        },
      },
      { selector: 'node.member', style: { shape: 'round-rectangle', 'font-size': 9, width: 14, height: 14 } },
      { selector: 'edge', style: { width: 'data(width)', 'line-color': '#9fb0c3', 'curve-style': 'straight', opacity: 0.7 } },
      { selector: 'edge.member-link', style: { width: 1, 'line-color': '#c5d0dc' } },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#ffbf47' } },
    ],
    layout: { name: 'preset' },
  });
  const layout = clusters.length <= FORCE_GROUPS ? 'groups (force)' : 'groups (grid)';
  return new Promise((resolve) => {
    const run = cy.layout(
      clusters.length <= FORCE_GROUPS
        ? { name: 'cose', animate: false, randomize: true, numIter: 800, nodeRepulsion: () => 20000, idealEdgeLength: () => 90, fit: true, padding: 30 }
        : { name: 'grid', animate: false, fit: true, padding: 30, avoidOverlap: true },
    );
    run.one('layoutstop', () => resolve({ cy, layoutMs: performance.now() - started, layout }));
    run.run();
  });
}

/// Opens a group into its reports, drawn in a small grid beside it (or
/// closes it again); returns whether it is open now.
export function toggleMembers(cy: Core, cluster: Cluster): boolean {
  const existing = cy.nodes(`.member[group = "${cluster.id}"]`);
  if (existing.length) {
    existing.remove();
    return false;
  }
  const centre = cy.getElementById(cluster.id).position();
  const across = Math.ceil(Math.sqrt(cluster.reports.length));
  const step = 34;
  cy.add(
    cluster.reports.flatMap((report, index) => [
      {
        group: 'nodes' as const,
        data: {
          id: `${cluster.id}:${report.id}`,
          report: report.id,
          group: cluster.id,
          label: report.external_id ?? `#${report.report_id}`,
          colour: TYPE_COLOURS.report ?? OTHER,
        },
        classes: ['member'],
        position: { x: centre.x + 60 + (index % across) * step, y: centre.y + 40 + Math.floor(index / across) * step },
      },
      { group: 'edges' as const, data: { id: `${cluster.id}->${report.id}`, source: cluster.id, target: `${cluster.id}:${report.id}`, width: 1 }, classes: ['member-link'] },
    ]),
  );
  return true;
}

/// Shows `explain(edge)` in `tip` while the pointer is on an edge.
export function edgeTooltips(cy: Core, tip: HTMLElement, explain: (id: string) => string): void {
  cy.on('mouseover', 'edge', (event: EventObject) => {
    const edge = event.target;
    edge.addClass('hovered');
    tip.textContent = explain(edge.id());
    const at = event.renderedPosition ?? edge.renderedMidpoint();
    tip.style.left = `${Math.round(at.x + 12)}px`;
    tip.style.top = `${Math.round(at.y + 12)}px`;
    tip.hidden = false;
  });
  cy.on('mouseout', 'edge', (event: EventObject) => {
    event.target.removeClass('hovered');
    tip.hidden = true;
  });
}
