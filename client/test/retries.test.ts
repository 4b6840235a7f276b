/**
 * The client's retry rules against a scripted loopback server (no suite, no network beyond 127.0.0.1):
 * what is retried, with which key, after how long a Retry-After, and what never is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, json, type Loopback, startLoopback } from '../../test/support/loopback.js';
import { createClient, metadataOf, retryAfterSeconds } from '../src/client.js';
import { AbortError, ConnectionError, DeadlineError, OutcomeUnknownError, ProblemError, ResponseShapeError } from '../src/errors.js';

async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((r) => setTimeout(r, 5));
}

const PROBLEM = 'application/problem+json';
const problem = (slug: string, status: number, extra: Record<string, unknown> = {}) => ({
  type: `tag:p100-suite,2026:problem/${slug}`,
  title: slug,
  status,
  ...extra,
});
const transfer = { transferId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', status: 'PENDING' };
const input = { path: { externalUserId: 'u-1' }, body: { direction: 'FUNDING' as const, amount: '5', currency: 'eur' } };

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('retries', () => {
  it('429, 503 and 409 in-progress are retried under the same Idempotency-Key, then the answer is returned', async () => {
    server = await startLoopback((_req, res, hit) => {
      if (hit === 1) return json(res, 429, problem('rate-limited', 429), { 'content-type': PROBLEM, 'retry-after': '0' });
      if (hit === 2) return json(res, 503, problem('upstream-unavailable', 503), { 'content-type': PROBLEM });
      if (hit === 3) return json(res, 409, problem('idempotency-in-progress', 409), { 'content-type': PROBLEM, 'retry-after': '0' });
      json(res, 202, transfer);
    });
    const c = createClient({ baseUrl: server.url, baseBackoffMs: 1 });
    expect(await c.createTransfer(input)).toEqual(transfer);
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.requests[0]?.url).toBe('/users/u-1/transfers');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual(input.body);
  });

  it('a given key is used as is; reads carry none', async () => {
    server = await startLoopback((_req, res) => json(res, 200, { id: 'x', status: 'COMPLETED', currencyFrom: 'eur', currencyTo: 'btc', amount: '1' }));
    const c = createClient({ baseUrl: server.url });
    await c.createTransfer({ ...input, idempotencyKey: 'my-key-1' }).catch(() => undefined);
    await c.getExchange({ path: { exchangeId: 'x' } });
    expect(server.requests[0]?.headers['idempotency-key']).toBe('my-key-1');
    expect(server.requests[1]?.headers['idempotency-key']).toBeUndefined();
  });

  it('outcome unknown is never retried and carries ledgerRef and the key', async () => {
    server = await startLoopback((_req, res) =>
      json(res, 504, problem('upstream-timeout', 504, { outcome: 'UNKNOWN', ledgerRef: { type: 'TRANSFER', id: 'unknown:createTransfer:k1' } }), {
        'content-type': PROBLEM,
      }),
    );
    const c = createClient({ baseUrl: server.url, baseBackoffMs: 1 });
    const err = await c.createTransfer({ ...input, idempotencyKey: 'k1' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).ledgerRef).toEqual({ type: 'TRANSFER', id: 'unknown:createTransfer:k1' });
    expect((err as OutcomeUnknownError).idempotencyKey).toBe('k1');
    expect(server.hits).toBe(1);
  });

  it('a business 409 and a 422 are not retried; the problem is typed', async () => {
    server = await startLoopback((_req, res, hit) =>
      hit === 1
        ? json(res, 409, problem('upstream-refused', 409, { upstream: { errorCode: 'P455' } }), { 'content-type': PROBLEM })
        : json(res, 422, problem('validation', 422, { errors: [{ in: 'body', field: 'amount', message: 'bad' }] }), { 'content-type': PROBLEM }),
    );
    const c = createClient({ baseUrl: server.url, baseBackoffMs: 1 });
    const a = await c.createTransfer(input).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(a).toBeInstanceOf(ProblemError);
    expect((a as ProblemError).upstreamCode).toBe('P455');
    expect((a as ProblemError).slug).toBe('upstream-refused');
    const b = await c.createTransfer(input).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((b as ProblemError).fieldErrors).toEqual([{ in: 'body', field: 'amount', message: 'bad' }]);
    expect(server.hits).toBe(2);
  });

  it('a Retry-After beyond the deadline ends the call at once with the problem', async () => {
    server = await startLoopback((_req, res) => json(res, 503, problem('upstream-unavailable', 503), { 'content-type': PROBLEM, 'retry-after': '3600' }));
    const c = createClient({ baseUrl: server.url, timeout: 5_000 });
    const err = await c.getPartnerBalances().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProblemError);
    expect((err as ProblemError).retryAfterSeconds).toBe(3600);
    expect(server.hits).toBe(1);
  });

  it('a write that gets no answer is retried maxNetworkRetries times under its key, then a ConnectionError names the URL, the cause and the key', async () => {
    const port = await closedPort();
    const retries: { attempt: number; key: string | undefined }[] = [];
    const c = createClient({
      baseUrl: `http://127.0.0.1:${port}`,
      baseBackoffMs: 10,
      onRetry: (r) => retries.push({ attempt: r.attempt, key: r.idempotencyKey }),
    });
    const err = await c.createTransfer({ ...input, idempotencyKey: 'k-net' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
    const ce = err as ConnectionError;
    expect([ce.failure, ce.code, ce.url, ce.attempts, ce.idempotencyKey]).toEqual(['refused', 'ECONNREFUSED', `http://127.0.0.1:${port}`, 3, 'k-net']);
    expect(ce.message).toContain(`http://127.0.0.1:${port}`);
    expect(ce.message).toContain('ECONNREFUSED');
    expect(ce.message).toContain('k-net');
    expect(retries).toEqual([
      { attempt: 1, key: 'k-net' },
      { attempt: 2, key: 'k-net' },
    ]);
  });

  it('a read that gets no answer never mentions an Idempotency-Key; maxNetworkRetries per call overrides the client', async () => {
    const port = await closedPort();
    const reasons: string[] = [];
    const c = createClient({ baseUrl: `http://127.0.0.1:${port}`, baseBackoffMs: 10, onRetry: (r) => reasons.push(`${r.reason} ${r.idempotencyKey}`) });
    const err = await c.getPartnerBalances({ maxNetworkRetries: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).attempts).toBe(1);
    expect((err as ConnectionError).message).not.toMatch(/idempotency/i);
    expect(reasons).toEqual([]);
  });

  it('a host that does not resolve is a ConnectionError of cause dns (a .invalid name: no lookup leaves the machine)', async () => {
    const c = createClient({ baseUrl: 'http://p100-suite.invalid', maxNetworkRetries: 0 });
    const err = await c.getPartnerBalances().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).failure).toBe('dns');
    expect((err as ConnectionError).message).toContain('http://p100-suite.invalid');
  });

  it('an abort through signal throws an AbortError (not a DeadlineError); a per-call timeout throws a DeadlineError', async () => {
    server = await startLoopback(() => undefined); // never answers
    const c = createClient({ baseUrl: server.url });
    const ac = new AbortController();
    const pending = c.getPartnerBalances({ signal: ac.signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await until(() => server!.hits === 1);
    ac.abort(new Error('user pressed stop'));
    const aborted = await pending;
    expect(aborted).toBeInstanceOf(AbortError);
    expect((aborted as AbortError).cause).toEqual(new Error('user pressed stop'));
    const timedOut = await c.getPartnerBalances({ timeout: 50 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(timedOut).toBeInstanceOf(DeadlineError);
    expect((timedOut as DeadlineError).message).toContain('50 ms');
    expect((timedOut as DeadlineError).message).not.toMatch(/idempotency/i);
  });

  it('every result gives its metadata (request id, replay flag, attempts, retry delay) without wrapping the answer', async () => {
    server = await startLoopback((_req, res, hit) =>
      hit === 1
        ? json(res, 503, problem('upstream-unavailable', 503), { 'content-type': PROBLEM, 'retry-after': '0' })
        : json(res, 200, { transferId: 't-1', extra: 'kept' }, { 'x-request-id': 'req-7', 'idempotent-replayed': 'true' }),
    );
    const c = createClient({ baseUrl: server.url });
    const out = await c.createTransfer({ ...input, idempotencyKey: 'k-meta' });
    expect(out).toEqual({ transferId: 't-1', extra: 'kept' });
    expect(metadataOf(out)).toEqual({
      httpStatusCode: 200,
      requestId: 'req-7',
      idempotencyKey: 'k-meta',
      idempotentReplayed: true,
      attempts: 2,
      totalRetryDelayMs: 0,
    });
    expect(Object.keys(out)).toEqual(['transferId', 'extra']);
  });

  it('a 2xx that does not match the schema is a ResponseShapeError holding the body', async () => {
    server = await startLoopback((_req, res) => json(res, 200, { items: 'not a list' }));
    const c = createClient({ baseUrl: server.url });
    const err = await c.listInboxEvents().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect((err as ResponseShapeError).body).toEqual({ items: 'not a list' });
  });

  it('a replayed answer is returned as stored even where masking broke its schema; a fresh one is not', async () => {
    const upload = {
      uploadId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      key: 'k',
      purpose: 'KYC',
      fileName: 'a.jpg',
      method: 'PUT',
      headers: {},
      expiresAt: '2026-12-02T08:15:00Z',
      maxBytes: 5,
    };
    server = await startLoopback((_req, res, hit) =>
      json(res, 201, { ...upload, url: hit === 1 ? 'https://bucket.example/u?sig=abc' : '***' }, hit === 1 ? {} : { 'idempotent-replayed': 'true' }),
    );
    const c = createClient({ baseUrl: server.url });
    const body = { purpose: 'KYC' as const, fileName: 'a.jpg', contentType: 'image/jpeg', size: 5 };
    expect((await c.createUploadUrl({ path: { externalUserId: 'u-1' }, body, idempotencyKey: 'k1' })).url).toBe('https://bucket.example/u?sig=abc');
    expect((await c.createUploadUrl({ path: { externalUserId: 'u-1' }, body, idempotencyKey: 'k1' })).url).toBe('***');
    await server.close();
    server = await startLoopback((_req, res) => json(res, 201, { ...upload, url: '***' }));
    const fresh = createClient({ baseUrl: server.url });
    await expect(fresh.createUploadUrl({ path: { externalUserId: 'u-1' }, body })).rejects.toBeInstanceOf(ResponseShapeError);
  });

  it('pages a cursor list to its end', async () => {
    const ev = (n: number) => ({
      eventId: String(n).repeat(64).slice(0, 64),
      webhook: 'exchange',
      state: 'PROCESSED',
      receivedAt: 't',
      deliveries: 1,
      envelope: 'flat',
      hasSealedFields: false,
      payload: {},
    });
    server = await startLoopback((req, res) => {
      const cursor = new URL(req.url ?? '/', 'http://x').searchParams.get('cursor');
      if (!cursor) return json(res, 200, { items: [ev(1), ev(2)], cursor: 'c2' });
      if (cursor === 'c2') return json(res, 200, { items: [ev(3)], cursor: 'c3' });
      json(res, 200, { items: [] });
    });
    const c = createClient({ baseUrl: server.url });
    const seen: string[] = [];
    for await (const e of c.paginate.listInboxEvents({ query: { status: 'DEAD' } })) seen.push(e.eventId[0] ?? '');
    expect(seen).toEqual(['1', '2', '3']);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/operations/inbox?status=DEAD',
      '/operations/inbox?status=DEAD&cursor=c2',
      '/operations/inbox?status=DEAD&cursor=c3',
    ]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds('Wed, 02 Dec 2026 08:00:10 GMT', Date.parse('2026-12-02T08:00:00Z'))).toBe(10);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });

  it('auth: a JWT is fetched per request and sent as a bearer token; iam signs every attempt', async () => {
    server = await startLoopback((_req, res, hit) =>
      hit === 2 ? json(res, 503, problem('upstream-unavailable', 503), { 'content-type': PROBLEM, 'retry-after': '0' }) : json(res, 202, transfer),
    );
    let n = 0;
    const jwt = createClient({ baseUrl: server.url, auth: { jwt: async () => `token-${++n}` } });
    await jwt.createTransfer(input);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer token-1');
    const iam = createClient({
      baseUrl: server.url,
      baseBackoffMs: 1,
      auth: { iam: { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, region: 'eu-central-1' } },
    });
    await iam.createTransfer(input);
    const signed = server.requests.slice(1).map((r) => String(r.headers.authorization));
    expect(signed).toHaveLength(2);
    for (const a of signed)
      expect(a).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/execute-api\/aws4_request, SignedHeaders=[a-z;-]*idempotency-key/);
  });
});
