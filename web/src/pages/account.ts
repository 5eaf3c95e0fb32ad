// The signed-in user's passkeys: add one (the step after a one-time link),
// list and remove them.

import { api, ok } from '../api/client';
import { createPasskey } from '../api/webauthn';
import { currentSession, type PageContext } from '../app';
import { h, replace } from '../dom';
import { alertBox, when } from '../widgets';

export async function account({ main, query, user }: PageContext): Promise<void> {
  const status = h('div', { 'aria-live': 'polite' });
  const list = h('div', {});
  const load = async () => {
    const keys = ok(await api.GET('/api/v1/passkeys'));
    if (keys.length === 0) {
      replace(list, h('p', { class: 'muted', id: 'no-passkeys' }, 'You have no passkey yet.'));
      return;
    }
    replace(
      list,
      h(
        'table',
        { class: 'data', id: 'passkeys' },
        h('caption', {}, 'Your passkeys'),
        h(
          'thead',
          {},
          h('tr', {}, ['Name', 'Added', 'Last used', ''].map((text) => h('th', { scope: 'col' }, text))),
        ),
        h(
          'tbody',
          {},
          keys.map((key) =>
            h(
              'tr',
              {},
              h('td', {}, key.label),
              h('td', {}, when(key.created_at)),
              h('td', {}, when(key.last_used_at)),
              h(
                'td',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    'aria-label': `Remove passkey ${key.label}`,
                    onclick: async () => {
                      ok(await api.DELETE('/api/v1/passkeys/{id}', { params: { path: { id: key.id } } }));
                      await load();
                    },
                  },
                  'Remove',
                ),
              ),
            ),
          ),
        ),
      ),
    );
  };
  const label = h('input', { id: 'label', name: 'label', value: 'this device', required: true, maxlength: '100' });
  const add = h('button', { type: 'submit' }, 'Add a passkey');
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        add.disabled = true;
        try {
          const challenge = ok(await api.POST('/api/v1/passkeys'));
          const credential = await createPasskey(challenge.options);
          ok(
            await api.POST('/api/v1/passkeys/finish', {
              body: { ceremony: challenge.ceremony, label: label.value, credential },
            }),
          );
          replace(status, alertBox('Passkey added. Next time, sign in with it.', 'ok'));
          await load();
        } catch (error) {
          replace(status, alertBox(error instanceof Error ? error.message : String(error)));
        } finally {
          add.disabled = false;
        }
      },
    },
    h('h2', {}, 'Add a passkey'),
    h('p', {}, 'A passkey signs you in with this device’s screen lock or a security key. It cannot be phished.'),
    h('label', { for: 'label' }, 'Name for this passkey'),
    label,
    add,
  );
  replace(
    main,
    h('h1', {}, 'Account'),
    query.get('welcome') ? alertBox(`Signed in as ${user?.user ?? ''}. Add a passkey now, so you need no link next time.`, 'ok') : null,
    h('p', {}, `${user?.user ?? ''} · ${user?.role ?? ''} at ${user?.org ?? ''}`),
    currentSession().passkeys ? form : alertBox('Passkeys are not available at this address.'),
    status,
    list,
  );
  await load();
}
