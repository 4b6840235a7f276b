import { Router } from '../http/router.js';
import { registerCoreControl } from './core.js';
import { registerMoneyControl } from './money.js';
import { registerOperationsControl } from './operations.js';
import { registerChaosControl, registerTriggerControl } from './chaos.js';
import { registerDriftControl } from './drift.js';

/** Every `/_sandbox/...` route (documented in README.md). No API key, no faults, no rate limit. */
export function createControlRouter(apiRoutes: () => string[]): Router {
  const r = new Router();
  registerCoreControl(r, apiRoutes);
  registerMoneyControl(r);
  registerOperationsControl(r);
  registerChaosControl(r);
  registerDriftControl(r, apiRoutes);
  registerTriggerControl(r);
  return r;
}
