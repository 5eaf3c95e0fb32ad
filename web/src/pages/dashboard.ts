// Overview of the reports the user may read: volume over time, losses by
// channel, scam type and country, reports by currency and TLP. One request:
// the server aggregates under the access rules.

import { api, ok } from '../api/client';
import { bars, columns, everyDay, type Bar } from '../charts';
import type { PageContext } from '../app';
import { h, replace } from '../dom';
import { addDecimal, money } from '../widgets';

interface Loss {
  currency: string;
  channel: string;
  amount: string;
  reports: number;
}

interface KeyLoss {
  key: string;
  currency: string;
  amount: string;
  reports: number;
}

/// One bar per key (scam type, country): the bar is the number of reports
/// with a loss, since amounts in different currencies cannot be compared;
/// the text gives the exact amounts per currency.
function lossBars(losses: KeyLoss[]): Bar[] {
  const byKey = new Map<string, KeyLoss[]>();
  for (const loss of losses) byKey.set(loss.key, [...(byKey.get(loss.key) ?? []), loss]);
  return [...byKey.entries()].map(([key, amounts]) => {
    const reports = amounts.reduce((sum, loss) => sum + loss.reports, 0);
    const sorted = [...amounts].sort((a, b) => b.reports - a.reports);
    const shown = sorted.slice(0, 2).map((loss) => money(loss.amount, loss.currency));
    const more = sorted.length > 2 ? ` + ${sorted.length - 2} more` : '';
    return { label: key.replaceAll('_', ' '), value: reports, text: `${shown.join(' + ')}${more} (${plural(reports, 'report')})` };
  });
}

/// Bar lengths only: the exact amount is shown as text.
const magnitude = (amount: string) => Number(amount);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function dashboard({ main }: PageContext): Promise<void> {
  replace(main, h('h1', {}, 'Dashboard'), h('p', { class: 'muted' }, 'Loading…'));
  const stats = ok(await api.GET('/api/v1/stats'));
  const losses = stats.losses as Loss[];
  const byDay = everyDay(stats.by_day.map((day) => ({ day: day.day, value: day.reports })));

  // The currency with the most reports sets the loss charts; others are listed.
  const currencies = new Map<string, { reports: number; amounts: Loss[] }>();
  for (const loss of losses) {
    const entry = currencies.get(loss.currency) ?? { reports: 0, amounts: [] };
    entry.reports += loss.reports;
    entry.amounts.push(loss);
    currencies.set(loss.currency, entry);
  }
  const main_currency = [...currencies.entries()].sort((a, b) => b[1].reports - a[1].reports)[0];
  const grouped = new Map<string, { amount: string; reports: number }>();
  for (const loss of main_currency?.[1].amounts ?? []) {
    const key = loss.channel;
    const entry = grouped.get(key) ?? { amount: '0', reports: 0 };
    grouped.set(key, { amount: addDecimal(entry.amount, loss.amount), reports: entry.reports + loss.reports });
  }
  const code = main_currency?.[0] ?? '';
  const channelBars: Bar[] = [...grouped.entries()].map(([key, entry]) => ({
    label: key,
    value: magnitude(entry.amount),
    text: `${money(entry.amount, code)} (${plural(entry.reports, 'report')})`,
  }));
  const currencyBars: Bar[] = [...currencies.entries()].map(([currency, entry]) => ({
    label: currency,
    value: entry.reports,
    text: plural(entry.reports, 'report'),
  }));

  const tile = (label: string, value: string | number) =>
    h('div', { class: 'tile' }, h('span', { class: 'tile-value' }, String(value)), h('span', { class: 'tile-label' }, label));
  const count = (key: string) => stats.by_status.find((item) => item.key === key)?.reports ?? 0;
  replace(
    main,
    h('h1', {}, 'Dashboard'),
    h(
      'div',
      { class: 'tiles' },
      tile('reports you may read', stats.total),
      tile('new, awaiting triage', count('new')),
      tile('triaged', count('triaged')),
      tile('with a claimed loss', losses.reduce((sum, loss) => sum + loss.reports, 0)),
    ),
    h('p', {}, h('a', { href: '/triage?status=new' }, `Triage the ${count('new')} new reports`)),
    h(
      'div',
      { class: 'grid' },
      columns('Reports received per day (UTC)', byDay, 'reports'),
      bars(`Losses in ${code || 'the main currency'} by channel`, channelBars, 'amount'),
      bars('Losses by scam type (bar: reports with a loss)', lossBars(stats.losses_by_scam_type), 'amount'),
      bars('Losses by country (bar: reports with a loss)', lossBars(stats.losses_by_country), 'amount'),
      bars('Reports with a loss, by currency', currencyBars, 'reports'),
      bars('Reports by TLP marking', stats.by_tlp.map((item) => ({ label: item.key, value: item.reports })), 'reports'),
    ),
  );
}
