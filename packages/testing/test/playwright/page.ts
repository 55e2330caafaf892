/**
 * A bare page for the fixtures' own tests: WebAuthn ceremonies against the Twofold API with the
 * browser's JSON helpers (no client library), exposed as `window.register(username)` and
 * `window.authenticate(username?)`, each resolving to the API's answer or `{ error }`.
 */
const script = `
const post = async (path, body) => {
  const res = await fetch('/api/v1' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(json.code);
  return json;
};
const run = (fn) => fn().catch((e) => ({ error: e.name === 'Error' ? e.message : e.name }));
const toJSON = (c) => (typeof c.toJSON === 'function' ? c.toJSON() : c);
window.register = (username) => run(async () => {
  const { ceremonyId, options } = await post('/passkeys/register/options', { username });
  const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
  return post('/passkeys/register/verify', { ceremonyId, response: toJSON(credential) });
});
window.authenticate = (username) => run(async () => {
  const { ceremonyId, options } = await post('/passkeys/authenticate/options', username ? { username } : {});
  const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
  return post('/passkeys/authenticate/verify', { ceremonyId, response: toJSON(credential) });
});
`;

/** The page's response. */
export function fixturePage(): Response {
  return new Response(`<!doctype html><title>fixtures</title><script>${script}</script>`, { headers: { 'content-type': 'text/html' } });
}
