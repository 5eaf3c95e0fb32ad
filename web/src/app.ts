// The app shell: who is signed in, the route table and client-side
// navigation. A page is a function that fills <main>; new views (campaigns,
// money trail, mules) slot in as entries of ROUTES.

import { api, ok, type SignedIn } from './api/client';
import { h, replace } from './dom';
import { LANGUAGES, lang, setLang, t, type Lang } from './i18n';

export interface PageContext {
  main: HTMLElement;
  params: Record<string, string>;
  query: URLSearchParams;
  user: SignedIn | null;
}

export interface Route {
  pattern: string;
  /// Document title; a function when it depends on the language.
  title: string | (() => string);
  /// Staff pages need a session; the public ones are translated.
  staff: boolean;
  /// Shown in the staff navigation under this label (a function when it depends on the role).
  nav?: string | (() => string);
  /// What the signed-in role must be allowed to do to use the page (the
  /// session's `may`): without it the page is not offered in the navigation
  /// and, opened by its address, says who it is for instead of failing.
  may?: Capability;
  render: (context: PageContext) => void | Promise<void>;
}

/// What a role may do beyond reading, as the session names it (the store enforces the same).
export type Capability = 'triage' | 'ledger' | 'watch' | 'screening';

/// Whether the signed-in user may do `what`.
export function may(what: Capability): boolean {
  return session.user?.may.includes(what) ?? false;
}

const WHO_MAY: Record<Capability, string> = {
  triage: 'your organisation’s admins and analysts, who triage its reports',
  ledger: 'your organisation’s admins and analysts, who work its seized ledgers',
  watch: 'your organisation’s admins and analysts, who manage its watchlists and alerts',
  screening: 'the members of a screening case team',
};

let routes: Route[] = [];
let session: { user: SignedIn | null; passkeys: boolean; origin: string } = {
  user: null,
  passkeys: false,
  origin: location.origin,
};

export function currentSession() {
  return session;
}

export async function refreshSession(): Promise<void> {
  const info = ok(await api.GET('/api/v1/session'));
  session = { ...info, user: info.user ?? null };
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (path === '/' && pattern === '/') return {};
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] ?? '';
    const value = got[i] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return null;
  }
  return params;
}

/// Goes to `url` inside the app without reloading.
export function navigate(url: string, replaceState = false): void {
  if (replaceState) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  void render();
}

/// A link that navigates inside the app (and still works as a plain link).
export function link(href: string, text: string, attrs: Record<string, string> = {}): HTMLAnchorElement {
  return h('a', { ...attrs, href }, text);
}

function header(route: Route | undefined): HTMLElement {
  const here = location.pathname;
  const item = (href: string, text: string) =>
    h('li', {}, h('a', { href, 'aria-current': here === href || here.startsWith(href + '/') ? 'page' : null }, text));
  const staffNav = routes
    .filter((entry) => entry.nav && (!entry.may || may(entry.may)))
    .map((entry) => item(entry.pattern, typeof entry.nav === 'function' ? entry.nav() : entry.nav ?? ''));
  const user = session.user;
  const select = h(
    'select',
    {
      id: 'lang',
      onchange: (event: Event) => {
        setLang((event.target as HTMLSelectElement).value as Lang);
        void render();
      },
    },
    LANGUAGES.map((language) =>
      h('option', { value: language.code, lang: language.code, selected: language.code === lang() }, language.name),
    ),
  );
  const signOut = h(
    'button',
    {
      type: 'button',
      class: 'link',
      onclick: async () => {
        await api.DELETE('/api/v1/session');
        await refreshSession();
        navigate('/login');
      },
    },
    'Sign out',
  );
  return h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: user ? '/dashboard' : '/check' }, h('img', { src: '/favicon.svg', alt: '' }), 'crackdown'),
    h(
      'nav',
      { 'aria-label': user && route?.staff ? 'Workspace' : 'Main' },
      h(
        'ul',
        {},
        user && route?.staff
          ? staffNav
          : [item('/check', t('nav.check')), item('/report-scam', t('nav.report')), user ? item('/dashboard', 'Workspace') : item('/login', t('nav.signin'))],
      ),
    ),
    h(
      'div',
      { class: 'tools' },
      h('label', { for: 'lang', class: 'lang-label' }, t('language')),
      select,
      user ? h('span', { class: 'who' }, `${user.user} · ${user.role} · ${user.org}`) : null,
      user ? signOut : null,
    ),
  );
}

let firstRender = true;

/// Renders the page for the current URL.
export async function render(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  let route: Route | undefined;
  let params: Record<string, string> = {};
  for (const entry of routes) {
    const found = match(entry.pattern, location.pathname);
    if (found) {
      route = entry;
      params = found;
      break;
    }
  }
  if (route?.staff && !session.user) {
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, true);
    return;
  }
  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(
    root,
    h('a', { class: 'skip', href: '#main' }, t('skip')),
    header(route),
    main,
    h('footer', {}, route && !route.staff ? t('footer') : 'crackdown · every view obeys TLP 2.0 and your organisation’s access'),
  );
  // Screening pages do not exist for anyone outside a case team: the same
  // "not found" as an unknown address, as the API answers them.
  if (!route || (route.may === 'screening' && !may('screening'))) {
    document.title = 'Not found · crackdown';
    replace(main, h('h1', {}, 'Page not found'), h('p', {}, link('/', 'Go to the start page')));
    return;
  }
  const title = typeof route.title === 'function' ? route.title() : route.title;
  document.title = `${title} · crackdown`;
  if (route.may && !may(route.may)) {
    replace(
      main,
      h('h1', {}, title),
      h('p', { id: 'not-for-role' }, `This page is for ${WHO_MAY[route.may]}. You are signed in as ${session.user?.role ?? 'a user'} of ${session.user?.org ?? 'your organisation'}.`),
      h('p', {}, link('/dashboard', 'Go to the dashboard')),
    );
    firstRender = false;
    return;
  }
  try {
    await route.render({ main, params, query: new URLSearchParams(location.search), user: session.user });
  } catch (error) {
    main.append(h('p', { class: 'error', role: 'alert' }, `Could not load this page: ${String(error instanceof Error ? error.message : error)}`));
  }
  // After a client-side navigation, move focus to the new page's heading so
  // screen readers announce it; on a fresh load the browser's order stands.
  const heading = main.querySelector('h1');
  if (heading && !firstRender) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
  firstRender = false;
}

export function start(table: Route[]): void {
  routes = table;
  document.addEventListener('click', (event) => {
    const anchor = (event.target as Element | null)?.closest('a');
    if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const href = anchor.getAttribute('href');
    if (!href || !href.startsWith('/') || href.startsWith('/api/') || anchor.target) return;
    event.preventDefault();
    navigate(href);
  });
  window.addEventListener('popstate', () => void render());
  void refreshSession()
    .catch(() => undefined)
    .then(render);
}
