// Worker entry: the sources are TypeScript, so the worker registers tsx's loader first, as
// bin/kiosk does for the main thread.
import { register } from 'tsx/esm/api';

register();
await import('./check-worker.ts');
