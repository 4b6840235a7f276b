import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../local/sandbox/index.js';

export const API_KEY = 'test-api-key';
export const WEBHOOK_TOKEN = 'test-webhook-token';

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON when the body is JSON, else undefined. */
  json: Obj;
}

export interface Harness {
  sb: RunningSandbox;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  ctl(method: string, path: string, body?: unknown): Promise<Res>;
  settle(): Promise<void>;
  /** Creates a KYC user, activates it through the control route (extended) and funds it. */
  activeUser(id: string, funds?: Record<string, string>, profile?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

async function toRes(r: Response): Promise<Res> {
  const text = await r.text();
  let json: Obj = {};
  if ((r.headers.get('content-type') ?? '').includes('json') && text) json = JSON.parse(text) as Obj;
  return { status: r.status, headers: r.headers, text, json };
}

export type Obj = Record<string, unknown>;

/** Narrowing helpers, so tests read JSON without `any`. */
export function str(v: unknown): string {
  if (typeof v !== 'string') throw new Error(`expected a string, got ${JSON.stringify(v)}`);
  return v;
}
export function obj(v: unknown): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`expected an object, got ${JSON.stringify(v)}`);
  return v as Obj;
}
export function list(v: unknown): Obj[] {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v as Obj[];
}

export async function harness(opts: StartSandboxOptions = {}): Promise<Harness> {
  const sb = await startSandbox({ port: 0, apiKey: API_KEY, webhookToken: WEBHOOK_TOKEN, seed: 42, settleDelayMs: 60_000, ...opts });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> => {
    const init: RequestInit = { method, headers: { 'x-api-key': API_KEY, ...headers } };
    if (body !== undefined) {
      init.body = body instanceof FormData ? body : JSON.stringify(body);
      if (!(body instanceof FormData)) (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    return toRes(await fetch(sb.url + path, init));
  };
  const h: Harness = {
    sb,
    api: call,
    ctl: (method, path, body) => call(method, path, body, {}),
    async settle() {
      await call('POST', '/_sandbox/settle');
    },
    async activeUser(id, funds = {}, profile = {}) {
      const c = await call('POST', '/v1/user/balances/crypto-and-fiat', {
        externalUserId: id,
        citizenship: 'PL',
        firstName: 'Jan',
        lastName: 'Kowalski',
        email: `${id}@example.com`,
        ...profile,
      });
      if (c.status !== 201) throw new Error(`create ${id}: ${c.status} ${c.text}`);
      await call('POST', `/_sandbox/users/${id}/activate`, { extended: true });
      for (const [currency, amount] of Object.entries(funds)) await call('POST', `/_sandbox/users/${id}/fund`, { currency, amount });
    },
    close: () => sb.close(),
  };
  return h;
}

export function balanceOf(body: Obj, name: string): string {
  const all = [body['fiatBalances'], body['cryptoBalances'], body['balances']].flatMap((x) => (Array.isArray(x) ? (x as Obj[]) : []));
  const b = all.find((x) => x.name === name);
  if (!b) throw new Error(`no ${name} balance`);
  return str(b['amount']);
}

export interface Received {
  path: string;
  auth: string | undefined;
  body: Record<string, unknown>;
  at: number;
}

/** A tiny webhook receiver: answers `status(path, n)` for the n-th hit on a path (default 200). */
export async function receiver(
  status: (path: string, n: number) => number = () => 200,
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      received.push({
        path,
        auth: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        at: Date.now(),
      });
      res.writeHead(status(path, n), { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - start > timeoutMs) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function file(bytes: number, type: string, name = 'doc.pdf'): Blob & { name?: string } {
  return new File([new Uint8Array(bytes)], name, { type });
}
