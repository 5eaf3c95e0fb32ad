// One screened person's case: the record, interviews with each answer in
// the language given and the indicator it maps to, the rules'
// recommendation with its reasons, named decisions, referrals with the
// consent behind them, the time line, seized evidence, and the export for a
// receiving organisation (offered only under the person's consent).
//
// One reason is asked per visit and sent with every read of the visit.

import { ApiFailure } from '../api/client';
import { link, type PageContext } from '../app';
import { h, replace } from '../dom';
import { alertBox, when } from '../widgets';
import {
  askReason,
  call,
  noReason,
  personPath,
  questionnaire,
  RECOMMENDATIONS,
  recommendationBadge,
  showFailure,
  statusName,
  type InterviewLanguage,
  type Questionnaire,
  type Recommendation,
} from './screening';
import { evidenceSection } from './screening-evidence';

interface Consent {
  scope: string;
  organisation?: string | null;
  given_on: string;
  withdrawn_on?: string | null;
}

interface CaseView {
  pseudonym: string;
  team: string;
  status: string;
  person: {
    nationality?: string | null;
    languages: string[];
    age_band: string;
    documents: { kind: string; status: string }[];
    facility: string;
    detained_on?: string | null;
    consents: Consent[];
  };
  created_by: string;
  created_at: string;
  interviews: {
    reference: string;
    language: string;
    interviewer: string;
    interpreter: boolean;
    held_on: string;
    recorded_by: string;
    answers: { question: string; maps_to: string; value: string; language: string; note?: string | null }[];
  }[];
  decisions: { id: number; interview: string; recommended: string; outcome: string; decided_by: string; justification: string; decided_at: string }[];
  referrals: { id: number; organisation: string; kind: string; status: string; note?: string | null; created_by: string; created_at: string }[];
  timeline: { id: number; at: string; by: string; kind: string; text: string; due_on?: string | null; done_at?: string | null }[];
}

interface Assessment {
  interview: string;
  recommendation: Recommendation;
  recommendation_text: string;
  trafficking_combination_met: boolean;
  reasons: string[];
}

/// The consent scope each referral kind needs (as the engine checks it).
const REFERRAL_SCOPE: Record<string, string> = {
  assistance: 'referral',
  shelter: 'referral',
  medical: 'referral',
  legal_aid: 'referral',
  repatriation: 'referral',
  embassy: 'embassy',
  prosecution: 'law_enforcement',
  family: 'family_contact',
};

const SCOPES: Record<string, string> = {
  screening: 'Screening',
  referral: 'Referral to assistance',
  case_export: 'Case file sent to an organisation',
  law_enforcement: 'Sharing with law enforcement',
  embassy: 'Contacting the embassy',
  family_contact: 'Contacting family',
};

function activeConsents(consents: Consent[], scope: string): Consent[] {
  return consents.filter((consent) => consent.scope === scope && !consent.withdrawn_on);
}

/// Whether the recorded consents cover a referral (as the engine decides: the scope, for anyone or for that organisation).
function consentFor(consents: Consent[], kind: string, organisation: string): Consent | undefined {
  const scope = REFERRAL_SCOPE[kind] ?? kind;
  return activeConsents(consents, scope).find((consent) => !consent.organisation || consent.organisation === organisation);
}

export async function caseDetail({ main, params, query }: PageContext): Promise<void> {
  const pseudonym = params.pseudonym ?? '';
  const team = query.get('team') ?? undefined;
  replace(main, h('h1', {}, pseudonym), h('p', { class: 'muted' }, 'Waiting for your reason…'));
  const reason = await askReason(`the case of ${pseudonym}`);
  if (reason === null) {
    noReason(main, pseudonym);
    return;
  }
  await drawCase(main, pseudonym, team, reason);
}

function readQuery(reason: string, team: string | undefined, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ reason, ...extra });
  if (team) query.set('team', team);
  return query.toString();
}

async function drawCase(main: HTMLElement, pseudonym: string, team: string | undefined, reason: string): Promise<void> {
  const base = `/api/v1/screening/people/${encodeURIComponent(pseudonym)}`;
  let view: CaseView;
  let definition: Questionnaire;
  let assessment: Assessment | null = null;
  try {
    view = await call<CaseView>('GET', `${base}?${readQuery(reason, team)}`);
    definition = await questionnaire();
    if (view.interviews.length) assessment = await call<Assessment>('GET', `${base}/assessment?${readQuery(reason, team, { lang: 'en' })}`);
  } catch (error) {
    replace(main);
    showFailure(main, error);
    return;
  }
  const refresh = () => drawCase(main, pseudonym, team, reason);
  const exports = activeConsents(view.person.consents, 'case_export');
  replace(
    main,
    h('p', { class: 'muted' }, link('/screening', '← All people')),
    h('h1', {}, `${view.pseudonym}`),
    h(
      'p',
      { class: 'lead' },
      `Case team ${view.team} · status `,
      h('strong', { id: 'case-status' }, statusName(view.status)),
      ` · added by ${view.created_by} on ${when(view.created_at)}`,
    ),
    h(
      'div',
      { class: 'case-actions' },
      h('a', { class: 'button', href: `${personPath(view.pseudonym)}/interview${team ? `?team=${encodeURIComponent(team)}` : ''}` }, 'Record an interview'),
      exports.length
        ? exports.map((consent) => exportButton(base, reason, team, view.pseudonym, consent.organisation ?? ''))
        : h('span', { class: 'muted', id: 'no-export' }, 'No consent to send the case file to any organisation: export is not offered.'),
    ),
    h('div', { class: 'case-grid' }, recordCard(view), recommendationCard(assessment)),
    decisionCard(view, assessment, base, reason, team, refresh),
    interviewsCard(view, definition),
    referralsCard(view),
    timelineCard(view),
    evidenceSection(base, reason, team),
  );
}

function exportButton(base: string, reason: string, team: string | undefined, pseudonym: string, organisation: string): HTMLElement {
  const status = h('span', { role: 'status' });
  return h(
    'span',
    { class: 'export' },
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: async () => {
          status.textContent = 'Preparing…';
          try {
            const response = await fetch(`${base}/export?${readQuery(reason, team, { to: organisation, format: 'html' })}`, { credentials: 'same-origin' });
            if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
            const url = URL.createObjectURL(await response.blob());
            const anchor = h('a', { href: url, download: `case-${pseudonym}-for-${organisation.replace(/[^\w-]+/g, '-')}.html` });
            document.body.append(anchor);
            anchor.click();
            anchor.remove();
            setTimeout(() => URL.revokeObjectURL(url), 10_000);
            status.textContent = 'Downloaded (audited).';
          } catch (error) {
            status.textContent = `Export failed: ${error instanceof Error ? error.message : String(error)}`;
          }
        },
      },
      `Export case file for ${organisation || 'any organisation'}`,
    ),
    ' ',
    status,
  );
}

function recordCard(view: CaseView): HTMLElement {
  const person = view.person;
  const fact = (term: string, value: string | Node) => [h('dt', {}, term), h('dd', {}, value)];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'record-title' },
    h('h2', { id: 'record-title' }, 'Person record'),
    h(
      'dl',
      { class: 'facts' },
      fact('Nationality', person.nationality ?? 'unknown'),
      fact('Languages', person.languages.join(', ') || 'unknown'),
      fact('Age band', person.age_band.replace('_plus', '+').replace('_', '–')),
      fact('Documents', person.documents.map((document) => `${document.kind.replace('_', ' ')}: ${document.status.replace('_', ' ')}`).join('; ') || 'none recorded'),
      fact('Facility', person.facility),
      fact('Detained on', person.detained_on ?? 'unknown'),
      fact(
        'Consents',
        person.consents.length
          ? h(
              'ul',
              { class: 'plain', id: 'consents' },
              person.consents.map((consent) =>
                h(
                  'li',
                  {},
                  SCOPES[consent.scope] ?? consent.scope,
                  consent.organisation ? ` (${consent.organisation})` : '',
                  ` — given ${consent.given_on}`,
                  consent.withdrawn_on ? `, withdrawn ${consent.withdrawn_on}` : '',
                ),
              ),
            )
          : 'none recorded',
      ),
    ),
  );
}

function recommendationCard(assessment: Assessment | null): HTMLElement {
  return h(
    'section',
    { class: 'card', id: 'recommendation', 'aria-labelledby': 'recommendation-title' },
    h('h2', { id: 'recommendation-title' }, 'Recommendation'),
    assessment
      ? [
          h('p', {}, recommendationBadge(assessment.recommendation), ` on interview ${assessment.interview}`),
          h(
            'p',
            { class: 'muted small' },
            assessment.trafficking_combination_met
              ? 'The ILO combination for trafficking for labour exploitation is met.'
              : 'The ILO combination for trafficking is not met.',
            ' Advice from the indicator rules, never a decision.',
          ),
          h('h3', { class: 'small-heading' }, 'Why'),
          h('ul', { class: 'reasons', id: 'reasons' }, assessment.reasons.map((reason) => h('li', {}, reason))),
        ]
      : h('p', { class: 'muted' }, 'No interview recorded yet: nothing to assess.'),
  );
}

function decisionCard(
  view: CaseView,
  assessment: Assessment | null,
  base: string,
  reason: string,
  team: string | undefined,
  refresh: () => Promise<void>,
): HTMLElement {
  const outcome = h(
    'select',
    { id: 'decision-outcome', required: true },
    Object.entries(RECOMMENDATIONS).map(([value, name]) => h('option', { value, selected: value === assessment?.recommendation }, name)),
  );
  const justification = h('textarea', { id: 'decision-justification', rows: 3, required: true });
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      id: 'decision-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (!justification.value.trim()) {
          replace(feedback, alertBox('Write the justification: a decision is always explained.'));
          return;
        }
        try {
          await call('POST', `${base}/decisions`, JSON.stringify({ outcome: outcome.value, justification: justification.value, reason, team }));
          await refresh();
        } catch (error) {
          replace(feedback, alertBox(error instanceof ApiFailure ? error.message : String(error)));
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'decision-outcome' }, 'Your decision'), outcome),
    h('div', { class: 'field' }, h('label', { for: 'decision-justification' }, 'Justification (in your words; kept sealed)'), justification),
    h('button', { type: 'submit' }, 'Record decision'),
    feedback,
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'decisions-title' },
    h('h2', { id: 'decisions-title' }, 'Decisions'),
    view.decisions.length
      ? h(
          'ol',
          { class: 'history', id: 'decisions' },
          view.decisions.map((decision) =>
            h(
              'li',
              {},
              h('strong', {}, RECOMMENDATIONS[decision.outcome as Recommendation] ?? decision.outcome),
              ` by ${decision.decided_by}, ${when(decision.decided_at)} (interview ${decision.interview}; rules recommended ${RECOMMENDATIONS[decision.recommended as Recommendation] ?? decision.recommended})`,
              h('div', { class: 'justification' }, decision.justification),
            ),
          ),
        )
      : h('p', { class: 'muted', id: 'no-decision' }, 'No decision yet.'),
    view.interviews.length ? form : h('p', { class: 'muted' }, 'A decision needs an interview to rest on.'),
  );
}

function interviewsCard(view: CaseView, definition: Questionnaire): HTMLElement {
  const question = (id: string) => definition.questions.find((entry) => entry.id === id);
  // In the order they are asked (the store keeps them by id).
  const asked = (id: string) => {
    const at = definition.questions.findIndex((entry) => entry.id === id);
    return at < 0 ? definition.questions.length : at;
  };
  const answerText = (value: string, language: InterviewLanguage) => {
    const words = definition.answers[value as keyof Questionnaire['answers']];
    return words ? words[language] ?? value : value;
  };
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'interviews-title' },
    h('h2', { id: 'interviews-title' }, `Interviews (${view.interviews.length})`),
    view.interviews.length === 0 ? h('p', { class: 'muted' }, 'None yet.') : null,
    view.interviews.map((interview) => {
      const language = interview.language as InterviewLanguage;
      return h(
        'details',
        { class: 'interview', open: interview === view.interviews[view.interviews.length - 1], 'data-interview': interview.reference },
        h(
          'summary',
          {},
          `${interview.reference} · ${interview.held_on} · in ${language} · by ${interview.interviewer}${interview.interpreter ? ' with an interpreter' : ''}`,
        ),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data answers' },
            h('thead', {}, h('tr', {}, ['Question (as asked)', 'Answer', 'Indicator'].map((name) => h('th', { scope: 'col' }, name)))),
            h(
              'tbody',
              {},
              [...interview.answers].sort((a, b) => asked(a.question) - asked(b.question)).map((answer) => {
                const asked = question(answer.question);
                const indicator = definition.indicators[answer.maps_to];
                const dimension = indicator ? definition.dimensions[indicator.dimension]?.en ?? indicator.dimension : '';
                return h(
                  'tr',
                  { 'data-question': answer.question },
                  h(
                    'td',
                    {},
                    h('div', { lang: language }, asked ? asked.text[language] : answer.question),
                    language !== 'en' && asked ? h('div', { class: 'muted small' }, asked.text.en) : null,
                  ),
                  h(
                    'td',
                    {},
                    h('span', { lang: answer.language }, answerText(answer.value, answer.language as InterviewLanguage)),
                    answer.value in definition.answers && answer.language !== 'en' ? h('span', { class: 'muted small' }, ` (${answer.value})`) : null,
                    answer.note ? h('div', { class: 'note', lang: answer.language }, answer.note) : null,
                  ),
                  h(
                    'td',
                    {},
                    indicator ? [h('div', {}, indicator.name), h('div', { class: 'muted small' }, `${indicator.strength} · ${dimension}`)] : answer.maps_to,
                  ),
                );
              }),
            ),
          ),
        ),
      );
    }),
  );
}

function referralsCard(view: CaseView): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'referrals-title' },
    h('h2', { id: 'referrals-title' }, 'Referrals'),
    view.referrals.length
      ? h(
          'table',
          { class: 'data', id: 'referrals' },
          h('thead', {}, h('tr', {}, ['To', 'Kind', 'Status', 'Consent', 'Since'].map((name) => h('th', { scope: 'col' }, name)))),
          h(
            'tbody',
            {},
            view.referrals.map((referral) => {
              const consent = consentFor(view.person.consents, referral.kind, referral.organisation);
              return h(
                'tr',
                {},
                h('td', {}, referral.organisation, referral.note ? h('div', { class: 'muted small' }, referral.note) : null),
                h('td', {}, referral.kind.replace('_', ' ')),
                h('td', {}, referral.status.replace('_', ' ')),
                h('td', {}, consent ? `given ${consent.given_on}` : 'no longer covered'),
                h('td', { class: 'nowrap' }, when(referral.created_at)),
              );
            }),
          ),
        )
      : h('p', { class: 'muted' }, 'No referral yet. A referral needs the person’s recorded consent (refused and audited without it).'),
  );
}

function timelineCard(view: CaseView): HTMLElement {
  const tasks = view.timeline.filter((event) => event.kind === 'task');
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Tasks and time line'),
    tasks.length
      ? h(
          'ul',
          { class: 'plain', id: 'tasks' },
          tasks.map((task) => h('li', {}, task.done_at ? '✓ ' : '☐ ', task.text, task.due_on ? ` (due ${task.due_on})` : '', task.done_at ? ` — done ${when(task.done_at)}` : '')),
        )
      : h('p', { class: 'muted' }, 'No open tasks.'),
    h(
      'ol',
      { class: 'history', id: 'timeline' },
      view.timeline.map((event) => h('li', {}, h('span', { class: 'nowrap' }, when(event.at)), ` · ${event.by} · ${event.kind.replace('_', ' ')}: ${event.text}`)),
    ),
  );
}
