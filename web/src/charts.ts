// Hand-made SVG charts: small, dependency-free and styled by the app's CSS.
// Every chart has a text alternative (a table under a <details>), so the
// numbers are available to screen readers and to copy.

import { h, svg } from './dom';

export interface Bar {
  label: string;
  value: number;
  /// What the bar's label says, e.g. a formatted amount.
  text?: string;
}

function table(caption: string, bars: Bar[], unit: string): HTMLElement {
  return h(
    'details',
    { class: 'chart-data' },
    h('summary', {}, 'Show the numbers'),
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Label'), h('th', { scope: 'col' }, unit))),
      h(
        'tbody',
        {},
        bars.map((bar) => h('tr', {}, h('th', { scope: 'row' }, bar.label), h('td', {}, bar.text ?? String(bar.value)))),
      ),
    ),
  );
}

/// Axis numbers short enough for the axis (1.2M rather than 1234567).
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/// Vertical bars over time (one per day), with a few axis labels.
export function columns(title: string, bars: Bar[], unit: string): HTMLElement {
  const width = 640;
  const height = 200;
  const pad = { left: 52, right: 8, top: 10, bottom: 24 };
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const step = (width - pad.left - pad.right) / Math.max(1, bars.length);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': title });
  for (const tick of [0, 0.5, 1]) {
    const y = pad.top + (height - pad.top - pad.bottom) * (1 - tick);
    chart.append(
      svg('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'grid' }),
      svg('text', { x: pad.left - 4, y: y + 4, class: 'axis', 'text-anchor': 'end' }, compact.format(Math.round(max * tick))),
    );
  }
  bars.forEach((bar, index) => {
    const barHeight = ((height - pad.top - pad.bottom) * bar.value) / max;
    const barWidth = Math.min(48, Math.max(1, step * 0.8));
    const rect = svg('rect', {
      x: pad.left + index * step + (step - barWidth) / 2,
      y: height - pad.bottom - barHeight,
      width: barWidth,
      height: barHeight,
      class: 'bar',
    });
    rect.append(svg('title', {}, `${bar.label}: ${bar.text ?? bar.value}`));
    chart.append(rect);
  });
  const labelEvery = Math.max(1, Math.ceil(bars.length / 6));
  bars.forEach((bar, index) => {
    if (index % labelEvery !== 0) return;
    chart.append(
      svg('text', { x: pad.left + index * step + step / 2, y: height - 6, class: 'axis', 'text-anchor': 'middle' }, bar.label),
    );
  });
  return h('figure', { class: 'card' }, h('figcaption', {}, title), chart, table(title, bars, unit));
}

/// Horizontal bars, largest first, each labelled with its text.
export function bars(title: string, items: Bar[], unit: string): HTMLElement {
  const sorted = [...items].sort((a, b) => b.value - a.value);
  const max = Math.max(1, ...sorted.map((bar) => bar.value));
  const row = 30;
  const width = 560;
  const labelWidth = 110;
  const height = Math.max(row, sorted.length * row);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': title });
  sorted.forEach((bar, index) => {
    const y = index * row;
    const length = ((width - labelWidth - 190) * bar.value) / max;
    const rect = svg('rect', { x: labelWidth, y: y + 4, width: Math.max(1, length), height: row - 8, class: 'bar' });
    rect.append(svg('title', {}, `${bar.label}: ${bar.text ?? bar.value}`));
    chart.append(
      svg('text', { x: labelWidth - 6, y: y + row / 2 + 5, class: 'axis', 'text-anchor': 'end' }, bar.label),
      rect,
      svg('text', { x: labelWidth + length + 6, y: y + row / 2 + 5, class: 'value' }, bar.text ?? String(bar.value)),
    );
  });
  const empty = sorted.length === 0 ? h('p', { class: 'muted' }, 'Nothing to show yet.') : null;
  return h('figure', { class: 'card' }, h('figcaption', {}, title), empty ?? chart, table(title, sorted, unit));
}

/// One bar per day from the first to the last (at most the last 180 days),
/// so quiet days show as gaps rather than vanishing.
export function everyDay(days: { day: string; value: number; text?: string }[]): Bar[] {
  const byDay = new Map(days.map((day) => [day.day, day]));
  const last = days[days.length - 1]?.day;
  const first = days[0]?.day;
  if (!first || !last) return [];
  const end = Date.parse(`${last}T00:00:00Z`);
  const start = Math.max(Date.parse(`${first}T00:00:00Z`), end - 179 * 86_400_000);
  const bars: Bar[] = [];
  for (let at = start; at <= end; at += 86_400_000) {
    const day = new Date(at).toISOString().slice(0, 10);
    const found = byDay.get(day);
    bars.push({ label: day.slice(5), value: found?.value ?? 0, text: found?.text });
  }
  return bars;
}

/// Bars over a whole period: one per day when it spans at most 180 days,
/// else one per week (Monday first, at most the last five years), so a
/// campaign running for years shows its whole course, not only its tail.
export function overTime(days: { day: string; value: number; text?: string }[]): { bars: Bar[]; per: 'day' | 'week' } {
  const first = days[0]?.day;
  const last = days[days.length - 1]?.day;
  if (!first || !last) return { bars: [], per: 'day' };
  const end = Date.parse(`${last}T00:00:00Z`);
  if (end - Date.parse(`${first}T00:00:00Z`) < 180 * 86_400_000) return { bars: everyDay(days), per: 'day' };
  const weekOf = (at: number) => at - ((new Date(at).getUTCDay() + 6) % 7) * 86_400_000;
  const start = Math.max(weekOf(Date.parse(`${first}T00:00:00Z`)), weekOf(end) - 259 * 7 * 86_400_000);
  const sums = new Map<number, number>();
  for (const day of days) {
    const week = weekOf(Date.parse(`${day.day}T00:00:00Z`));
    if (week >= start) sums.set(week, (sums.get(week) ?? 0) + day.value);
  }
  const bars: Bar[] = [];
  for (let week = start; week <= end; week += 7 * 86_400_000) {
    bars.push({ label: new Date(week).toISOString().slice(0, 10), value: sums.get(week) ?? 0 });
  }
  return { bars, per: 'week' };
}
