// Staff sign-in: a passkey (phishing-resistant), or a one-time link that an
// admin or `crackdown demo` hands out for a browser with no passkey yet.

import { api, message, ok } from '../api/client';
import { usePasskey } from '../api/webauthn';
import { currentSession, navigate, refreshSession, type PageContext } from '../app';
import { h, replace } from '../dom';
import { alertBox } from '../widgets';

export function login({ main, query }: PageContext): void {
  const session = currentSession();
  const next = query.get('next') ?? '/dashboard';
  const status = h('div', { 'aria-live': 'polite' });
  const name = h('input', { id: 'user', name: 'user', autocomplete: 'username webauthn', required: true });
  const button = h('button', { type: 'submit' }, 'Sign in with a passkey');
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        button.disabled = true;
        replace(status, h('p', { class: 'muted' }, 'Waiting for your passkey…'));
        try {
          const challenge = ok(await api.POST('/api/v1/session/passkey', { body: { user: name.value.trim() } }));
          const credential = await usePasskey(challenge.options);
          ok(await api.POST('/api/v1/session/passkey/finish', { body: { ceremony: challenge.ceremony, credential } }));
          await refreshSession();
          navigate(next.startsWith('/') ? next : '/dashboard');
        } catch (error) {
          replace(status, alertBox(error instanceof Error ? error.message : String(error)));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('label', { for: 'user' }, 'User name'),
    name,
    button,
  );
  const wrongOrigin = session.origin !== location.origin;
  replace(
    main,
    h('h1', {}, 'Staff sign-in'),
    session.user ? h('p', {}, `You are signed in as ${session.user.user}. `, h('a', { href: '/dashboard' }, 'Go to the workspace')) : null,
    wrongOrigin
      ? h(
          'p',
          { class: 'error', role: 'alert' },
          'Passkeys are bound to ',
          h('a', { href: `${session.origin}/login` }, session.origin),
          '. Sign in there.',
        )
      : null,
    !session.passkeys ? alertBox('Passkeys are not available at this address; use a one-time sign-in link.') : null,
    form,
    status,
    h(
      'section',
      { class: 'card narrow', 'aria-labelledby': 'no-passkey' },
      h('h2', { id: 'no-passkey' }, 'No passkey on this device?'),
      h(
        'p',
        {},
        'Ask an admin of your organisation for a one-time sign-in link. It works once, for 30 minutes. After signing in, add a passkey on your Account page.',
      ),
    ),
  );
}

/// `/signin#code=...`: redeems a one-time link, then offers a passkey.
export async function signinLink({ main }: PageContext): Promise<void> {
  const code = new URLSearchParams(location.hash.slice(1)).get('code') ?? '';
  // The code is spent now; take it out of the address bar and history.
  history.replaceState(null, '', '/signin');
  replace(main, h('h1', {}, 'Signing you in…'));
  const result = await api.POST('/api/v1/session/link', { body: { code } });
  if (result.error || !result.data) {
    replace(
      main,
      h('h1', {}, 'This sign-in link does not work'),
      alertBox(message(result.error, 'The link is unknown, used already or expired.')),
      h('p', {}, h('a', { href: '/login' }, 'Go to the sign-in page')),
    );
    return;
  }
  await refreshSession();
  navigate('/account?welcome=1', true);
}
