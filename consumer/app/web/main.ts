/**
 * The bank's page: sign up, sign in, sign out and the device list with `@twofold/client`, which
 * talks to Twofold mounted at `/auth` on the bank's Express server. After a sign-in the page
 * also calls the bank's own API (`/api/me`) with the session token, which the bank's backend
 * verifies with `@twofold/server`.
 */
import { createTwofoldClient, isTwofoldClientError } from '@twofold/client';

const twofold = createTwofoldClient({ baseUrl: '/auth' });
const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const say = (text: string) => ($('#status').textContent = text);

async function show(): Promise<void> {
  const session = twofold.session;
  $('#signed-out').hidden = !!session;
  $('#signed-in').hidden = !session;
  if (!session) {
    $('#title').textContent = 'Welcome';
    return;
  }
  const me = (await (await fetch('/api/me', { headers: { authorization: `Bearer ${session.token}` } })).json()) as {
    username: string;
    greeting: string;
  };
  $('#title').textContent = `Hello, ${me.username}`;
  $('#app-greeting').textContent = me.greeting;
  const devices = await twofold.devices.list();
  $('#devices').replaceChildren(
    ...devices.map((d) => Object.assign(document.createElement('li'), { textContent: `${d.type}: ${d.name}` })),
  );
}

function action(done: string, run: () => Promise<unknown>) {
  return async (event: Event) => {
    event.preventDefault();
    say('Working…');
    try {
      await run();
      await show();
      say(done);
    } catch (error) {
      say(`Failed: ${isTwofoldClientError(error) ? error.code : String(error)}`);
    }
  };
}

$('#signup').addEventListener(
  'submit',
  action('Account created', () => twofold.signUp({ username: $<HTMLInputElement>('#username').value })),
);
$('#signin').addEventListener(
  'click',
  action('Signed in', () => twofold.signIn()),
);
$('#signout').addEventListener(
  'click',
  action('Signed out', () => twofold.signOut()),
);
void show();
