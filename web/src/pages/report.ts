// One report: its text (with indicators highlighted once lure analysis is
// attached to reports), TLP, loss, classification and history.

import { api, ok, type Report } from '../api/client';
import { may, type PageContext } from '../app';
import { h, replace } from '../dom';
import { pivot } from './search';
import { STATUSES, alertBox, money, statusBadge, tlpBadge, when } from '../widgets';

/// An indicator as crackdown-lure reports it: byte offsets into the text.
export interface Indicator {
  type: string;
  value: string;
  normalized: string;
  valid: boolean;
  start: number;
  end: number;
}

/// The analysis the report read path carries once lure analysis is wired in.
export interface Analysis {
  label?: string;
  scam_type?: string | null;
  stage?: string | null;
  confidence?: number;
  reasons?: string[];
  indicators?: Indicator[];
}

/// The text with each indicator wrapped in a <mark> whose tooltip tells its
/// type, normalized form and validity. Offsets are UTF-8 bytes, as the
/// server counts them; overlapping or out-of-range spans are skipped.
export function highlighted(text: string, indicators: Indicator[]): HTMLElement {
  const bytes = new TextEncoder().encode(text);
  const decode = (from: number, to: number) => new TextDecoder().decode(bytes.subarray(from, to));
  const block = h('div', { class: 'report-text', id: 'report-text' });
  let at = 0;
  const sorted = [...indicators].sort((a, b) => a.start - b.start);
  for (const indicator of sorted) {
    if (indicator.start < at || indicator.end > bytes.length || indicator.end <= indicator.start) continue;
    block.append(decode(at, indicator.start));
    const tip = `${indicator.type} · ${indicator.normalized} · ${indicator.valid ? 'valid' : 'invalid'}`;
    block.append(
      h(
        'mark',
        { class: `ind ind-${indicator.type}${indicator.valid ? '' : ' invalid'}`, title: tip, tabindex: '0', 'aria-label': `${decode(indicator.start, indicator.end)} (${tip})` },
        decode(indicator.start, indicator.end),
      ),
    );
    at = indicator.end;
  }
  block.append(decode(at, bytes.length));
  return block;
}

function fact(term: string, value: Node | string): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}

export async function report({ main, params, user }: PageContext): Promise<void> {
  const id = Number(params.id);
  if (!Number.isInteger(id)) {
    replace(main, h('h1', {}, 'Report not found'));
    return;
  }
  const result = await api.GET('/api/v1/reports/{id}', { params: { path: { id } } });
  if (result.response.status === 404) {
    replace(main, h('h1', {}, 'Report not found'), h('p', {}, 'It does not exist, or you may not read it.'));
    return;
  }
  const data: Report & { analysis?: Analysis | null } = ok(result);
  const history = h('ol', { class: 'history', id: 'history' });
  const loadHistory = async () => {
    const audit = ok(await api.GET('/api/v1/reports/{id}/audit', { params: { path: { id } } }));
    replace(
      history,
      audit.map((entry) =>
        h(
          'li',
          {},
          h('time', { datetime: entry.at }, when(entry.at)),
          ` ${entry.action} by ${entry.user ?? 'anonymous'} `,
          h('code', {}, JSON.stringify(entry.detail)),
        ),
      ),
    );
  };
  const analysis = data.analysis ?? null;
  const campaigns = ok(await api.GET('/api/v1/report-campaigns', { params: { query: { ids: String(id) } } })).campaigns;
  const campaign = campaigns[String(id)];
  const status = h('div', { 'aria-live': 'polite' });
  const currentStatus = h('span', {}, statusBadge(data.status));

  const setStatus = async (target: string) => {
    const change = await api.POST('/api/v1/reports/status', { body: { ids: [id], status: target } });
    if (change.error !== undefined) {
      replace(status, alertBox((change.error as { error?: string }).error ?? 'The change failed.'));
      return;
    }
    replace(currentStatus, statusBadge(target));
    replace(status, alertBox(`Marked ${target}.`, 'ok'));
    await loadHistory();
  };

  replace(
    main,
    h('p', {}, h('a', { href: '/triage' }, '← Triage queue')),
    h('h1', {}, `Report #${data.id} `, tlpBadge(data.tlp)),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'card wide', 'aria-labelledby': 'text-heading' },
        h('h2', { id: 'text-heading' }, 'What the victim reported'),
        analysis?.indicators?.length
          ? highlighted(data.text, analysis.indicators)
          : h('div', { class: 'report-text', id: 'report-text' }, data.text),
        analysis
          ? h(
              'div',
              { class: 'classification' },
              h('h2', {}, 'Classification'),
              h(
                'p',
                {},
                [analysis.label, analysis.scam_type, analysis.stage].filter(Boolean).join(' · '),
                analysis.confidence !== undefined ? ` (confidence ${analysis.confidence.toFixed(2)})` : '',
              ),
              h('ul', {}, (analysis.reasons ?? []).map((reason) => h('li', {}, reason))),
              analysis.indicators?.length
                ? h(
                    'div',
                    { id: 'report-indicators' },
                    h('h2', {}, 'Indicators'),
                    h(
                      'ul',
                      { class: 'plain' },
                      [...new Map(analysis.indicators.map((indicator) => [`${indicator.type}:${indicator.normalized}`, indicator])).values()].map((indicator) =>
                        h('li', {}, `${indicator.type.replaceAll('_', ' ')}: `, pivot(indicator.normalized), ' — other reports naming it'),
                      ),
                    ),
                  )
                : null,
            )
          : h('p', { class: 'muted' }, 'No analysis of this report yet.'),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'facts-heading' },
        h('h2', { id: 'facts-heading' }, 'Details'),
        h(
          'dl',
          { class: 'facts' },
          fact('Status', currentStatus),
          fact('Campaign', campaign !== undefined ? h('a', { href: `/campaigns/${campaign}`, id: 'campaign-link', class: 'mono' }, campaign) : 'none (no linked report you may read)'),
          fact('Claimed loss', money(data.loss_amount, data.loss_currency)),
          fact('Received', when(data.received_at)),
          fact('Reported', when(data.reported_at)),
          fact('Channel', data.channel),
          fact('Language', data.language ?? '—'),
          fact('Organisation', data.org),
          fact('Submitted by', data.submitted_by ?? 'anonymous (public)'),
          fact('Reporter', data.reporter ?? '—'),
          fact('Victim contact', data.victim_contact ?? 'not visible to you'),
          fact('Consent to share', data.consent_share ? 'yes' : 'no'),
          fact('Consent to publish', data.consent_publish ? 'yes' : 'no'),
          fact('External id', data.external_id ?? '—'),
          fact('Original SHA-256', data.original_sha256 ? h('code', {}, data.original_sha256) : '—'),
        ),
        // Only the reporting organisation's admins and analysts may change its status.
        may('triage') && data.org === user?.org
          ? h(
              'div',
              { role: 'group', 'aria-label': 'Change status', class: 'bulk' },
              STATUSES.map((target) => h('button', { type: 'button', class: 'secondary', onclick: () => void setStatus(target) }, `Mark ${target}`)),
            )
          : null,
        status,
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'history-heading' },
      h('h2', { id: 'history-heading' }, 'History'),
      history,
    ),
  );
  await loadHistory();
}
