import { renderAccount } from './pages/account.js';
import { RECOVERED_NOTICE, renderRecover } from './pages/recover.js';
import { renderSupport } from './pages/support.js';
import { renderWelcome, stopAutofill } from './pages/welcome.js';
import { twofold } from './session.js';
import './style.css';

let notice: string | undefined;

/** Hash routes: #/support, #/recover, and the customer site (#/). */
function route() {
  const path = location.hash.replace(/^#/, '').split('?')[0] || '/';
  if (path !== '/') stopAutofill();
  if (path === '/support') return renderSupport();
  if (path === '/recover') {
    return renderRecover(() => {
      notice = RECOVERED_NOTICE;
      route();
    });
  }
  if (twofold.session) {
    stopAutofill();
    const once = notice;
    notice = undefined;
    return void renderAccount(once);
  }
  renderWelcome();
}

window.addEventListener('hashchange', route);
window.addEventListener('twofold:session', route);
route();
