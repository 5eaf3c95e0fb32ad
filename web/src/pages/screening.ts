// Humanitarian screening: the case list, and what the case and intake pages
// share — the API calls, the reason every read needs, the questionnaire
// and the words for statuses and recommendations.
//
// Screening data is the most sensitive in the system: only the members of a
// person's case team reach it (the API answers anyone else "not found"),
// and every read carries a reason that goes to the team's append-only
// audit. So each page visit asks for that reason once, in a small dialog,
// before anything is read; a page that re-reads after a change reuses it.

import { ApiFailure, message } from '../api/client';
import { link, type PageContext } from '../app';
import { h, replace } from '../dom';
import { alertBox, when } from '../widgets';

/// A person in the case list (GET /api/v1/screening/people).
export interface Listed {
  pseudonym: string;
  team: string;
  status: string;
  interviews: number;
  recommendation: Recommendation | null;
  decision: Recommendation | null;
  created_at: string;
  last_change: string;
}

export type Recommendation = 'presumed_victim' | 'needs_further_assessment' | 'suspected_perpetrator';

export const RECOMMENDATIONS: Record<Recommendation, string> = {
  presumed_victim: 'Presumed victim',
  needs_further_assessment: 'Needs further assessment',
  suspected_perpetrator: 'Suspected perpetrator',
};

/// Case statuses in the order a case usually moves through them.
export const STATUSES: Record<string, string> = {
  open: 'Open',
  assistance: 'Assistance',
  shelter: 'Shelter',
  medical: 'Medical care',
  legal_aid: 'Legal aid',
  embassy_contacted: 'Embassy contacted',
  repatriation_scheduled: 'Repatriation scheduled',
  repatriation_done: 'Repatriation done',
  prosecution: 'Prosecution',
  closed: 'Closed',
};

/// The questionnaire's seven languages, each named in its own script.
export const INTERVIEW_LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'my', name: 'မြန်မာ' },
  { code: 'zh', name: '中文' },
  { code: 'th', name: 'ไทย' },
  { code: 'vi', name: 'Tiếng Việt' },
  { code: 'id', name: 'Bahasa Indonesia' },
  { code: 'tl', name: 'Tagalog' },
] as const;

export type InterviewLanguage = (typeof INTERVIEW_LANGUAGES)[number]['code'];
export type Texts = Record<InterviewLanguage, string>;

/// The definition file as GET /api/v1/screening/questionnaire sends it.
export interface Questionnaire {
  version: string;
  title: string;
  dimensions: Record<string, Texts>;
  recommendations: Record<Recommendation, Texts>;
  answers: { yes: Texts; no: Texts; unsure: Texts; declined: Texts };
  strengths: { strong: Texts; medium: Texts; weak: Texts };
  indicators: Record<string, { id: string; dimension: string; strength: 'strong' | 'medium' | 'weak'; name: string }>;
  questions: {
    id: string;
    maps_to: string;
    answer: { kind: 'yes_no' } | { kind: 'number'; fires_at_least: number };
    origin: string;
    text: Texts;
  }[];
}

/// Calls the screening API with the session cookie; throws ApiFailure with
/// the server's explanation on an error answer.
export async function call<T>(method: string, path: string, body?: BodyInit, type = 'application/json'): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': type },
    body,
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!response.ok) throw new ApiFailure(response.status, message(parsed, `${response.status} ${response.statusText}`));
  return parsed as T;
}

let cachedQuestionnaire: Promise<Questionnaire> | null = null;

/// The questionnaire, fetched once per page load (it is the same for everyone).
export function questionnaire(): Promise<Questionnaire> {
  cachedQuestionnaire ??= call<Questionnaire>('GET', '/api/v1/screening/questionnaire').catch((error: unknown) => {
    cachedQuestionnaire = null;
    throw error;
  });
  return cachedQuestionnaire;
}

/// Asks why the user reads, in a modal dialog; resolves to the reason, or
/// null when they cancel. Required by the API and written to the audit.
export function askReason(what: string): Promise<string | null> {
  return new Promise((resolve) => {
    const input = h('input', { id: 'read-reason', type: 'text', required: true, maxlength: 500, autocomplete: 'off' });
    const error = h('p', { class: 'error', role: 'alert', hidden: true }, 'Give a reason: it is written to the team’s audit.');
    const dialog = h('dialog', { id: 'reason-dialog', 'aria-labelledby': 'reason-title' });
    const finish = (reason: string | null) => {
      dialog.close();
      dialog.remove();
      resolve(reason);
    };
    const form = h(
      'form',
      {
        method: 'dialog',
        onsubmit: (event: Event) => {
          event.preventDefault();
          const reason = input.value.trim();
          if (!reason) {
            error.hidden = false;
            input.focus();
            return;
          }
          finish(reason);
        },
      },
      h('h2', { id: 'reason-title' }, 'Why do you need to read this?'),
      h('p', { class: 'muted' }, `You are about to read ${what}. Screening data is need-to-know: your reason goes to the case team’s audit with your name.`),
      h('label', { for: 'read-reason' }, 'Reason'),
      input,
      error,
      h(
        'div',
        { class: 'dialog-buttons' },
        h('button', { type: 'submit' }, 'Continue'),
        h('button', { type: 'button', class: 'secondary', onclick: () => finish(null) }, 'Cancel'),
      ),
    );
    dialog.append(form);
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}

/// What a page shows when the user declines to give a reason.
export function noReason(main: HTMLElement, title: string): void {
  replace(main, h('h1', {}, title), h('p', { id: 'no-reason' }, 'Nothing was read: screening data is shown only with a reason.'), h('p', {}, link('/screening', 'Back to the case list')));
}

/// What every screening page shows for a person or team the API does not
/// give the caller: the same words whether it does not exist or belongs to
/// another team.
export function notFound(main: HTMLElement): void {
  document.title = 'Not found · crackdown';
  replace(main, h('h1', {}, 'Page not found'), h('p', {}, link('/', 'Go to the start page')));
}

/// A failed read: "not found" for 403/404 (never saying whether the person
/// exists), the server's explanation otherwise.
export function showFailure(main: HTMLElement, error: unknown): void {
  if (error instanceof ApiFailure && (error.status === 403 || error.status === 404)) {
    notFound(main);
    return;
  }
  main.append(alertBox(error instanceof Error ? error.message : String(error)));
}

export function recommendationBadge(value: Recommendation | null | undefined): HTMLElement {
  if (!value) return h('span', { class: 'muted' }, 'not assessed');
  return h('span', { class: `verdict verdict-${value}` }, RECOMMENDATIONS[value] ?? value);
}

export function statusName(status: string): string {
  return STATUSES[status] ?? status.replaceAll('_', ' ');
}

export function personPath(pseudonym: string, team?: string): string {
  const base = `/screening/people/${encodeURIComponent(pseudonym)}`;
  return team ? `${base}?team=${encodeURIComponent(team)}` : base;
}

/// The case list: the people of the caller's case teams with status, the
/// rules' recommendation, the decision and the last change, filtered by
/// status and recommendation.
export async function caseList({ main, query }: PageContext): Promise<void> {
  replace(main, h('h1', {}, 'Screening'), h('p', { class: 'muted' }, 'Waiting for your reason…'));
  const reason = await askReason('the list of people your case teams screen');
  if (reason === null) {
    noReason(main, 'Screening');
    return;
  }
  let people: Listed[];
  try {
    people = await call<Listed[]>('GET', `/api/v1/screening/people?reason=${encodeURIComponent(reason)}`);
  } catch (error) {
    showFailure(main, error);
    return;
  }
  const statusFilter = h(
    'select',
    { id: 'filter-status' },
    h('option', { value: '' }, 'Any status'),
    Object.entries(STATUSES).map(([value, name]) => h('option', { value, selected: query.get('status') === value }, name)),
  );
  const recommendationFilter = h(
    'select',
    { id: 'filter-recommendation' },
    h('option', { value: '' }, 'Any recommendation'),
    Object.entries(RECOMMENDATIONS).map(([value, name]) => h('option', { value, selected: query.get('recommendation') === value }, name)),
    h('option', { value: 'none', selected: query.get('recommendation') === 'none' }, 'Not assessed'),
  );
  const body = h('tbody', {});
  const caption = h('caption', {});
  const draw = () => {
    const status = statusFilter.value;
    const recommendation = recommendationFilter.value;
    const shown = people.filter(
      (person) =>
        (!status || person.status === status) &&
        (!recommendation || (recommendation === 'none' ? person.recommendation === null : person.recommendation === recommendation)),
    );
    const params = new URLSearchParams();
    if (status) params.set('status', status);
    if (recommendation) params.set('recommendation', recommendation);
    history.replaceState(null, '', `/screening${params.size ? `?${params}` : ''}`);
    caption.textContent = shown.length === people.length ? `${people.length} people` : `${shown.length} of ${people.length} people`;
    replace(
      body,
      shown.length
        ? shown.map((person) =>
            h(
              'tr',
              { 'data-person': person.pseudonym },
              h('td', {}, link(personPath(person.pseudonym, person.team), person.pseudonym)),
              h('td', {}, person.team),
              h('td', {}, statusName(person.status)),
              h('td', { class: 'num' }, person.interviews),
              h('td', {}, recommendationBadge(person.recommendation)),
              h('td', {}, person.decision ? RECOMMENDATIONS[person.decision] ?? person.decision : h('span', { class: 'muted' }, 'undecided')),
              h('td', { class: 'nowrap' }, when(person.last_change)),
            ),
          )
        : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'Nobody matches these filters.')),
    );
  };
  statusFilter.addEventListener('change', draw);
  recommendationFilter.addEventListener('change', draw);
  replace(
    main,
    h('h1', {}, 'Screening'),
    h(
      'p',
      { class: 'lead' },
      'The people your case teams screen. The recommendation is the ILO indicator rules’ reading of each person’s latest interview — advice for the screener; only a named decision decides.',
    ),
    h(
      'div',
      { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), statusFilter),
      h('div', { class: 'field' }, h('label', { for: 'filter-recommendation' }, 'Recommendation'), recommendationFilter),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: 'people' },
        caption,
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Person', 'Team', 'Status', 'Interviews', 'Recommendation', 'Decision', 'Last change'].map((name) =>
              h('th', { scope: 'col', class: name === 'Interviews' ? 'num' : null }, name),
            ),
          ),
        ),
        body,
      ),
    ),
  );
  draw();
}
