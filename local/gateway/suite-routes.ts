import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { functionRoutes, functionSpecs, type FunctionSpec } from '../../shared/functions.js';
import { webhookPath } from '../../shared/webhooks/catalog.js';
import { runAsFunction } from '../aws/recorder.js';
import type { LocalRoute, V2Handler } from './routes.js';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The function (shared/functions.ts) whose entry file this is; the entry itself for a file no function lists. */
function functionNameOf(entry: string): string {
  return functionSpecs().find((s) => s.entry === entry)?.name ?? entry;
}

/**
 * Imports an entry file's `handler` (relative to the repository root), as Lambda's runtime would. The module's
 * cold start and every invocation run as that function (local/aws/recorder.ts): its AWS calls are its own.
 */
export async function loadHandler<T>(entry: string): Promise<T> {
  const name = functionNameOf(entry);
  const mod = (await runAsFunction(name, () => import(pathToFileURL(resolve(repoRoot, entry)).href))) as { handler?: T };
  const handler = mod.handler;
  if (typeof handler !== 'function') throw new Error(`${entry} exports no handler`);
  return ((...args: unknown[]) => runAsFunction(name, () => (handler as (...a: unknown[]) => unknown)(...args))) as T;
}

export interface SuiteRoutes {
  routes: LocalRoute[];
  /** Entry files of listed functions that do not exist yet (not served). */
  missing: string[];
}

/** The path a route is served at locally: webhook paths honour `P100_WEBHOOK_PATH_OVERRIDES` as the receivers do. */
function localPath(spec: FunctionSpec, path: string): string {
  return spec.kind === 'webhook' ? webhookPath(spec.webhook) : path;
}

/**
 * The suite's routes, read from the one function list (shared/functions.ts): the same table API Gateway gets
 * in AWS, HEAD /webhook/health included.
 */
export function suiteRoutes(extra: LocalRoute[] = []): SuiteRoutes {
  const routes: LocalRoute[] = [];
  const missing: string[] = [];
  for (const spec of functionSpecs()) {
    const listed = functionRoutes(spec);
    if (!listed.length) continue;
    if (!existsSync(resolve(repoRoot, spec.entry))) {
      missing.push(spec.entry);
      continue;
    }
    // One loader per function: its routes share the cold start, as they share one Lambda in AWS.
    let loaded: Promise<V2Handler> | undefined;
    const load = () => (loaded ??= loadHandler<V2Handler>(spec.entry));
    for (const r of listed) routes.push({ method: r.method, path: localPath(spec, r.path), load, entry: spec.entry });
  }
  return { routes: [...routes, ...extra], missing };
}
