import type { ProbeRequest } from './request.js';

/** P100's answer, whatever it was: the run judges it, nothing is thrown for a 4xx. */
export interface ProbeAnswer {
  status: number;
  body: unknown;
}

export type Transport = (req: ProbeRequest) => Promise<ProbeAnswer>;

/** P100 could not be reached at all (DNS, refused, timeout): the run cannot judge the contract. */
export class ContractTransportError extends Error {
  override readonly name = 'ContractTransportError';
}

export interface HttpTransportOptions {
  baseUrl: string;
  apiKey: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** 429 answers waited out at most this many times per request (default 3), `Retry-After` capped at 10 s. */
  max429Retries?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A plain HTTP transport: one request, the answer as it came (JSON or text), no retries but 429s. The suite's
 * P100 client is not used on purpose: it turns answers into typed errors and retries reads, which would hide
 * exactly what a contract check must see (the status, the raw error body).
 */
export function httpTransport(o: HttpTransportOptions): Transport {
  const base = o.baseUrl.replace(/\/+$/, '');
  const doFetch = o.fetch ?? fetch;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return async (req) => {
    const q = req.query ? new URLSearchParams(Object.entries(req.query).filter((e): e is [string, string] => e[1] !== undefined)).toString() : '';
    const url = `${base}${req.path}${q ? `?${q}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: req.method,
          headers: { 'x-api-key': o.apiKey, accept: 'application/json', ...(req.json !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(req.json !== undefined ? { body: JSON.stringify(req.json) } : {}),
          signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new ContractTransportError(`${req.method} ${req.path}: P100 did not answer (${err instanceof Error ? err.message : String(err)})`, {
          cause: err,
        });
      }
      const text = await res.text();
      if (res.status === 429 && attempt < (o.max429Retries ?? 3)) {
        const after = Number(res.headers.get('retry-after'));
        await sleep(Math.min(10_000, Number.isFinite(after) && after > 0 ? after * 1000 : 1000));
        continue;
      }
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* plain text (401 `Access Denied. xo2`): kept as text */
      }
      return { status: res.status, body };
    }
  };
}
