import { renderAccount } from './pages/account.js';
import { RECOVERED_NOTICE, renderRecover } from './pages/recover.js';
import { renderReset } from './pages/reset.js';
import { renderSupport } from './pages/support.js';
import { renderWelcome, stopAutofill } from './pages/welcome.js';
import { twofold } from './session.js';
import './style.css';

let notice: string | undefined;
const path = () => location.hash.replace(/^#/, '').split('?')[0] || '/';
/** Back to the customer site, showing `message` once. */
const done = (message: string) => {
  notice = message;
  route();
};

/** Hash routes: #/support, #/recover, #/reset, and the customer site (#/). */
function route() {
  const at = path();
  if (at !== '/') stopAutofill();
  if (at === '/support') return renderSupport();
  if (at === '/recover') return renderRecover(() => done(RECOVERED_NOTICE));
  if (at === '/reset') return void renderReset(done);
  if (twofold.session) {
    stopAutofill();
    const once = notice;
    notice = undefined;
    return void renderAccount(once);
  }
  renderWelcome();
}

window.addEventListener('hashchange', route);
// Sign-in and sign-out re-render the customer site; the multi-step pages render their own steps.
window.addEventListener('twofold:session', () => path() === '/' && route());
route();
