// The screening intake on a tablet: the questionnaire (from the API, the
// versioned definition file) shown in the interviewee's language — any of
// the seven it is translated into, scripts included — with the screener's
// labels in the UI language, large touch targets, and the interview saved
// through the API (which checks every answer against the questionnaire and
// takes the indicator from it, not from this page).
//
// Saving is a write, not a read: no reason is asked here. The case page the
// screener lands on afterwards asks for one.

import { currentSession, navigate, type PageContext } from '../app';
import { h, replace } from '../dom';
import { lang, t } from '../i18n';
import { alertBox } from '../widgets';
import {
  call,
  INTERVIEW_LANGUAGES,
  personPath,
  questionnaire,
  showFailure,
  type InterviewLanguage,
  type Questionnaire,
} from './screening';

const YES_NO = ['yes', 'no', 'unsure', 'declined'] as const;

/// The UI language as a questionnaire language (they share en, th, my, zh).
function screenerLanguage(): InterviewLanguage {
  return lang() as InterviewLanguage;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export async function intake({ main, params, query }: PageContext): Promise<void> {
  const pseudonym = params.pseudonym ?? '';
  const team = query.get('team') ?? undefined;
  let definition: Questionnaire;
  try {
    definition = await questionnaire();
  } catch (error) {
    replace(main);
    showFailure(main, error);
    return;
  }
  const wanted = query.get('lang');
  const start = INTERVIEW_LANGUAGES.find((language) => language.code === wanted)?.code ?? 'en';
  drawIntake(main, definition, pseudonym, team, start);
}

function drawIntake(main: HTMLElement, definition: Questionnaire, pseudonym: string, team: string | undefined, language: InterviewLanguage): void {
  const screener = screenerLanguage();
  const answers = new Map<string, string>();
  const notes = new Map<string, string>();
  const progress = h('p', { class: 'intake-progress', 'aria-live': 'polite' });
  const countAnswers = () => {
    progress.textContent = t('screen.answered', { n: answers.size, total: definition.questions.length });
  };

  const languagePicker = h(
    'div',
    { class: 'language-picker', role: 'radiogroup', 'aria-labelledby': 'interview-language-label' },
    INTERVIEW_LANGUAGES.map((choice) =>
      h(
        'button',
        {
          type: 'button',
          role: 'radio',
          lang: choice.code,
          'aria-checked': String(choice.code === language),
          class: choice.code === language ? 'chosen' : null,
          onclick: () => {
            if (choice.code === language) return;
            const query = new URLSearchParams(location.search);
            query.set('lang', choice.code);
            history.replaceState(null, '', `${location.pathname}?${query}`);
            drawIntake(main, definition, pseudonym, team, choice.code);
          },
        },
        choice.name,
      ),
    ),
  );

  const reference = h('input', { id: 'interview-reference', type: 'text', required: true, value: `${pseudonym}-${today().replaceAll('-', '')}-${String(Date.now() % 10_000).padStart(4, '0')}` });
  const interviewer = h('input', { id: 'interviewer', type: 'text', required: true, value: currentSession().user?.user ?? '' });
  const heldOn = h('input', { id: 'held-on', type: 'date', required: true, value: today() });
  const interpreter = h('input', { id: 'interpreter', type: 'checkbox', checked: language !== screener });

  const questions = definition.questions.map((question, index) => {
    const id = `q-${question.id}`;
    const screenerText = screener !== language ? h('p', { class: 'screener-text', lang: screener }, question.text[screener] ?? question.text.en) : null;
    let control: HTMLElement;
    if (question.answer.kind === 'number') {
      const input = h('input', {
        id: `${id}-number`,
        type: 'number',
        inputmode: 'numeric',
        min: 0,
        max: 24 * 7,
        step: 1,
        'aria-labelledby': `${id}-text`,
        'aria-describedby': `${id}-hint`,
        oninput: () => {
          const value = input.value.trim();
          if (value === '' || !/^\d+$/.test(value)) answers.delete(question.id);
          else answers.set(question.id, value);
          countAnswers();
        },
      });
      control = h('div', { class: 'number-answer' }, input, h('span', { id: `${id}-hint`, class: 'muted' }, t('screen.number_hint')));
    } else {
      control = h(
        'div',
        { class: 'answer-buttons', role: 'radiogroup', 'aria-labelledby': `${id}-text` },
        YES_NO.map((value) => {
          const button = h(
            'button',
            {
              type: 'button',
              role: 'radio',
              'aria-checked': 'false',
              'data-value': value,
              onclick: () => {
                const chosen = answers.get(question.id) === value;
                if (chosen) answers.delete(question.id);
                else answers.set(question.id, value);
                for (const other of control.querySelectorAll('button')) {
                  const on = !chosen && other.getAttribute('data-value') === value;
                  other.setAttribute('aria-checked', String(on));
                  other.classList.toggle('chosen', on);
                }
                countAnswers();
              },
            },
            h('span', { lang: language }, definition.answers[value][language]),
            screener !== language ? h('span', { class: 'screener-word', lang: screener }, definition.answers[value][screener] ?? value) : null,
          );
          return button;
        }),
      );
    }
    const note = h('textarea', {
      id: `${id}-note`,
      rows: 2,
      lang: language,
      oninput: () => {
        const text = note.value.trim();
        if (text) notes.set(question.id, text);
        else notes.delete(question.id);
      },
    });
    return h(
      'li',
      { class: 'question card', 'data-question': question.id },
      h('p', { class: 'question-text', id: `${id}-text`, lang: language }, h('span', { class: 'question-number' }, `${index + 1}. `), question.text[language]),
      screenerText,
      control,
      h('details', { class: 'note' }, h('summary', {}, t('screen.note')), h('label', { for: `${id}-note`, class: 'visually-hidden' }, t('screen.note')), note),
    );
  });

  const feedback = h('div', { 'aria-live': 'polite', id: 'intake-feedback' });
  const save = h('button', { type: 'submit', class: 'big' }, t('screen.save'));
  const form = h(
    'form',
    {
      id: 'intake-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (answers.size === 0) {
          replace(feedback, alertBox(t('screen.need_answer')));
          return;
        }
        const interview = {
          id: reference.value.trim(),
          person: pseudonym,
          questionnaire: definition.version,
          language,
          interviewer: interviewer.value.trim(),
          interpreter: interpreter.checked,
          held_on: heldOn.value,
          answers: definition.questions
            .filter((question) => answers.has(question.id))
            .map((question) => {
              const value = answers.get(question.id) ?? '';
              return {
                question: question.id,
                maps_to: question.maps_to,
                value: question.answer.kind === 'number' ? Number(value) : value,
                language,
                note: notes.get(question.id) ?? null,
              };
            }),
        };
        save.disabled = true;
        save.textContent = t('screen.saving');
        try {
          const path = `/api/v1/screening/people/${encodeURIComponent(pseudonym)}/interviews${team ? `?team=${encodeURIComponent(team)}` : ''}`;
          await call('POST', path, JSON.stringify(interview));
          navigate(personPath(pseudonym, team));
        } catch (error) {
          save.disabled = false;
          save.textContent = t('screen.save');
          replace(feedback, alertBox(error instanceof Error ? error.message : String(error)));
        }
      },
    },
    h(
      'fieldset',
      { class: 'card intake-meta' },
      h('legend', {}, h('span', { id: 'interview-language-label' }, t('screen.interview_language'))),
      languagePicker,
      h(
        'div',
        { class: 'row' },
        h('div', {}, h('label', { for: 'interviewer' }, t('screen.interviewer')), interviewer),
        h('div', {}, h('label', { for: 'held-on' }, t('screen.held_on')), heldOn),
        h('div', {}, h('label', { for: 'interview-reference' }, t('screen.reference')), reference),
      ),
      h('div', { class: 'check' }, interpreter, h('label', { for: 'interpreter' }, t('screen.interpreter'))),
    ),
    h('ol', { class: 'questions', lang: language }, questions),
    h('div', { class: 'intake-save' }, progress, save, feedback),
  );
  countAnswers();
  replace(
    main,
    h('p', { class: 'muted' }, h('a', { href: personPath(pseudonym, team) }, `← ${t('screen.back')}`)),
    h('h1', {}, `${t('screen.intake_title')} · ${pseudonym}`),
    h('p', { class: 'lead' }, definition.title),
    form,
  );
}
