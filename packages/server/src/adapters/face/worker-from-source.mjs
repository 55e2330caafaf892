// The worker module for source checkouts (tsx, vitest): registers tsx in the worker thread, then
// loads worker.ts. Loader hooks of the main thread do not reach worker threads on Node 20.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker.ts');
export default worker.default;
