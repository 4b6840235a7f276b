/** Helpers shared by the webhook integration tests (not a test file itself). */
import type { LocalBusEvent, BusFilter } from '../../local/aws/bus.js';
import type { TestSuite } from '../support/suite.js';

export type Obj = Record<string, unknown>;

/**
 * Polls until `probe` returns a value (not undefined/false). Fails with `what` after `timeoutMs`: the
 * bound is a hang guard, never an assertion about speed (60 s: a loaded machine must never reach it by chance).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** Calls the sandbox's P100 API with the API key. */
export async function p100(s: TestSuite, method: string, path: string, body?: unknown): Promise<{ status: number; json: Obj }> {
  const init: RequestInit = { method, headers: { 'x-api-key': s.apiKey } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`${s.p100}${path}`, init);
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Obj) : {} };
}

export function busEvents(s: TestSuite, filter: BusFilter = {}): LocalBusEvent[] {
  return s.local.bus.list(filter);
}

/** Waits for a bus event of `webhook` about `entityId` with `status` (or any status when omitted). */
export function busEvent(s: TestSuite, webhook: string, entityId: string, status?: string): Promise<LocalBusEvent> {
  return waitFor(`bus event ${webhook} ${entityId} ${status ?? ''}`, () =>
    busEvents(s, { webhook, entityId }).find((e) => status === undefined || e.detail.status === status),
  );
}

/** Creates a KYC user through our API (so the ledger knows it), without activating it. */
export async function createdUser(s: TestSuite, id: string): Promise<void> {
  const c = await s.call('POST', '/users', {
    body: { externalUserId: id, citizenship: 'PL', firstName: 'Jan', lastName: 'Kowalski', email: `${id}@example.com` },
  });
  if (c.status !== 201) throw new Error(`create ${id}: ${c.status} ${c.text}`);
}

/**
 * Creates a KYC user through our API (a webhook about a user we never created is parked, not applied:
 * issue 11), activates it at the sandbox (user/status webhook) and funds it.
 */
export async function activeUser(s: TestSuite, id: string, funds: Record<string, string> = {}): Promise<void> {
  await createdUser(s, id);
  await s.control('POST', `/_sandbox/users/${id}/activate`, { extended: true });
  for (const [currency, amount] of Object.entries(funds)) await s.control('POST', `/_sandbox/users/${id}/fund`, { currency, amount });
}

/** POSTs a webhook body straight to a receiver through the gateway (as P100 would). */
export async function deliver(
  s: TestSuite,
  path: string,
  body: unknown,
  auth: string | null = s.webhookToken,
  raw?: string,
): Promise<{ status: number; json: Obj }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth !== null) headers.authorization = auth;
  const res = await fetch(`${s.api}${path}`, { method: 'POST', headers, body: raw ?? JSON.stringify(body) });
  const text = await res.text();
  let json: Obj = {};
  try {
    json = text ? (JSON.parse(text) as Obj) : {};
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}
