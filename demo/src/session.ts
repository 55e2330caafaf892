import { createTwofoldClient } from '@twofold/client';

/** The one Twofold client of the demo; any session change re-renders the page. */
export const twofold = createTwofoldClient({ onSessionChange: () => window.dispatchEvent(new Event('twofold:session')) });
