import { restView } from '../../shared/classification/rules.js';
import { currentToken } from './auth.js';
import type { ConsoleConfig } from './config.js';

/**
 * Calls to the operator routes. Every answer passes the data classification's masked view once more
 * before anything renders it (the routes mask already; this keeps a route that forgot from showing
 * personal data in clear).
 */

/** `status` 0: no answer at all (the API is unreachable: suite stopped, network down, CORS/CSP refusal). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

let config: ConsoleConfig | undefined;

export function configureApi(c: ConsoleConfig): void {
  config = c;
}

/** The runbook entry's address, or undefined where the stage names no runbook URL. */
export function runbookHref(anchor: string): string | undefined {
  return config?.runbookUrl ? `${config.runbookUrl}#${anchor}` : undefined;
}

export async function api<T>(path: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
  if (!config) throw new Error('api used before configureApi');
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${config.apiBase}${path}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'API unreachable', `no answer from ${config.apiBase || location.origin}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const p = (body ?? {}) as { title?: string; detail?: string };
    throw new ApiError(res.status, p.title ?? `HTTP ${res.status}`, p.detail);
  }
  return restView(body) as T;
}

/** Query string from the defined values only. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
