/**
 * Integration-test harness: the P100 sandbox, the local AWS stand-ins and the local gateway on ephemeral
 * loopback ports, wired together exactly as `npm start` wires them. One per test file (beforeAll).
 */
import { startSandbox } from '../../local/sandbox/index.js';
import type { LocalRoute } from '../../local/gateway/routes.js';
import { setCallGuard } from '../../local/aws/recorder.js';
import { startLocalSuite, type LocalSuite } from '../../local/suite.js';
import { STRICT_ENV, strictIam } from './strict-iam.js';

export interface TestSuite {
  /** Base URL of the local gateway (the company-facing API). */
  api: string;
  /** Base URL of the P100 sandbox (control routes under /_sandbox/). */
  p100: string;
  apiKey: string;
  webhookToken: string;
  local: LocalSuite;
  /** POST/GET/DELETE a sandbox control route and return its JSON. */
  control<T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** Calls the company API; returns status, headers and parsed body. */
  call(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string>; rawBody?: string | Buffer }): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: the parsed JSON answer of any operation, read by path in ~130 assertions (17 files) that expect() checks; `unknown` would need a cast or schema parse at each, a separate change
  body: any;
  text: string;
}

export async function startTestSuite(
  opts: { seed?: number; timeScale?: number; settleDelayMs?: number; extraRoutes?: LocalRoute[]; port?: number } = {},
): Promise<TestSuite> {
  const apiKey = 'test-api-key-0123456789';
  const webhookToken = 'test-webhook-token-0123456789';
  const sandbox = await startSandbox({
    port: 0,
    apiKey,
    webhookToken,
    seed: opts.seed ?? 42,
    timeScale: opts.timeScale ?? 0.001,
    settleDelayMs: opts.settleDelayMs ?? 20,
    quiet: true,
  });
  const local = await startLocalSuite({
    // `port`: a fixed gateway port, so a test can restart the suite where a client expects it (p100 listen).
    port: opts.port ?? 0,
    p100BaseUrl: sandbox.url,
    apiKey,
    webhookToken,
    ...(opts.extraRoutes ? { extraRoutes: opts.extraRoutes } : {}),
  });
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${path} -> ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  await control('POST', '/_sandbox/config', { webhookBaseUrl: local.gateway.url, webhookToken });
  // Strict mode for a whole run (test/support/strict-iam.ts): every AWS call is checked against the templates.
  if (process.env[STRICT_ENV] === '1') setCallGuard(strictIam().guard);
  const call = async (
    method: string,
    path: string,
    o: { body?: unknown; headers?: Record<string, string>; rawBody?: string | Buffer } = {},
  ): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
    const res = await fetch(`${local.gateway.url}${path}`, {
      method,
      headers,
      ...(o.rawBody !== undefined ? { body: o.rawBody } : o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, headers: res.headers, body, text };
  };
  return {
    api: local.gateway.url,
    p100: sandbox.url,
    apiKey,
    webhookToken,
    local,
    control: control as TestSuite['control'],
    call,
    close: async () => {
      if (process.env[STRICT_ENV] === '1') setCallGuard(undefined);
      await local.close();
      await sandbox.close();
    },
  };
}
