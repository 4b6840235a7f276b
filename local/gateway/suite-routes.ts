import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { entryFileOf, operations } from '../../shared/catalog/index.js';
import { webhookEntryFile, webhookHealthPath, webhookPath, webhooks } from '../../shared/webhooks/catalog.js';
import type { LocalRoute, V2Handler } from './routes.js';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

function loader(entry: string): () => Promise<V2Handler> {
  return async () => {
    const mod = (await import(pathToFileURL(resolve(repoRoot, entry)).href)) as { handler?: V2Handler };
    if (typeof mod.handler !== 'function') throw new Error(`${entry} exports no handler`);
    return mod.handler;
  };
}

export interface SuiteRoutes {
  routes: LocalRoute[];
  /** Catalog entries or webhooks whose entry file does not exist yet (not served). */
  missing: string[];
}

/**
 * The suite's routes, read from the catalog and the webhook list: the same table API Gateway gets in AWS.
 */
export function suiteRoutes(extra: LocalRoute[] = []): SuiteRoutes {
  const routes: LocalRoute[] = [];
  const missing: string[] = [];
  const add = (method: LocalRoute['method'], path: string, entry: string) => {
    if (!existsSync(resolve(repoRoot, entry))) {
      missing.push(entry);
      return;
    }
    routes.push({ method, path, load: loader(entry) });
  };
  for (const op of operations) add(op.route.method, op.route.path, entryFileOf(op));
  for (const w of webhooks) add('POST', webhookPath(w), webhookEntryFile(w.name));
  add('GET', webhookHealthPath, 'functions/webhooks/health.ts');
  return { routes: [...routes, ...extra], missing };
}
