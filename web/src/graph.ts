// The campaign network drawn with Cytoscape.js: reports and the indicators
// they name, coloured by node type, sized by degree, hubs drawn apart.
// Large graphs (thousands of nodes) stay interactive: above SMALL nodes the
// force layout gives way to a concentric one (hubs and busy values in the
// middle, computed in one pass), and above LARGE the renderer draws a
// texture while panning, hides edges while moving and shows labels only
// when zoomed in far enough to read them.

import cytoscape, { type Core, type ElementDefinition, type EventObject, type NodeSingular } from 'cytoscape';
import type { Schemas } from './api/client';
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
  const layout = count <= SMALL ? 'cose' : 'concentric';
  return new Promise((resolve) => {
    const run = cy.layout(
      layout === 'cose'
        ? {
            name: 'cose',
            animate: false,
            randomize: true,
            numIter: 600,
            nodeRepulsion: () => 8000,
            idealEdgeLength: () => 50,
            fit: true,
            padding: 20,
          }
        : {
            name: 'concentric',
            animate: false,
            fit: true,
            padding: 20,
            avoidOverlap: false,
            minNodeSpacing: 4,
            // Busy values and hubs in the middle, lone reports outside.
            concentric: (node: NodeSingular) => Math.round(Math.log2(1 + (node.data('degree') as number)) * 2),
            levelWidth: () => 1,
          },
    );
    run.one('layoutstop', () => resolve({ cy, layoutMs: performance.now() - started, layout }));
    run.run();
  });
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
