import { afterEach, describe, expect, it } from 'vitest';
import { P100AuthError, P100BusinessError, P100Client, P100OutcomeUnknownError, P100TransportError, type AttemptInfo } from '../../shared/p100/index.js';
import type { OperationKind } from '../../shared/catalog/types.js';
import { closedPort, json, startLoopback, type Loopback } from '../support/loopback.js';

/**
 * The retry policy of ARCHITECTURE.md "Calling P100 safely", measured against a loopback server:
 * for each failure and each kind, exactly which attempts reach the server and what the caller gets.
 */

type Behaviour = 'refused' | 'reset' | 'timeout' | '429-retry-after' | '429' | '500' | '503' | 'P500' | 'P501' | 'P433';

interface Expectation {
  /** Requests that reached the server. */
  hits: number;
  /** Attempts the client made (connection refused never reaches the server). */
  attempts: number;
  error: 'transport' | 'unknown' | 'business';
  failure?: string;
}

const MAX = 3;

const TABLE: Record<Behaviour, Record<Exclude<OperationKind, 'money'>, Expectation>> = {
  refused: { read: { hits: 0, attempts: 3, error: 'transport', failure: 'network' }, write: { hits: 0, attempts: 3, error: 'transport', failure: 'network' } },
  reset: { read: { hits: 3, attempts: 3, error: 'transport', failure: 'network' }, write: { hits: 1, attempts: 1, error: 'unknown', failure: 'network' } },
  timeout: { read: { hits: 3, attempts: 3, error: 'transport', failure: 'timeout' }, write: { hits: 1, attempts: 1, error: 'unknown', failure: 'timeout' } },
  '429-retry-after': {
    read: { hits: 3, attempts: 3, error: 'transport', failure: 'rate-limited' },
    write: { hits: 3, attempts: 3, error: 'transport', failure: 'rate-limited' },
  },
  '429': {
    read: { hits: 3, attempts: 3, error: 'transport', failure: 'rate-limited' },
    write: { hits: 3, attempts: 3, error: 'transport', failure: 'rate-limited' },
  },
  '500': {
    read: { hits: 3, attempts: 3, error: 'transport', failure: 'server-error' },
    write: { hits: 1, attempts: 1, error: 'unknown', failure: 'server-error' },
  },
  '503': {
    read: { hits: 3, attempts: 3, error: 'transport', failure: 'server-error' },
    write: { hits: 1, attempts: 1, error: 'unknown', failure: 'server-error' },
  },
  P500: {
    read: { hits: 3, attempts: 3, error: 'transport', failure: 'server-error' },
    write: { hits: 1, attempts: 1, error: 'unknown', failure: 'server-error' },
  },
  P501: {
    read: { hits: 3, attempts: 3, error: 'transport', failure: 'unavailable' },
    write: { hits: 3, attempts: 3, error: 'transport', failure: 'unavailable' },
  },
  P433: { read: { hits: 1, attempts: 1, error: 'business' }, write: { hits: 1, attempts: 1, error: 'business' } },
};

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serverFor(b: Behaviour): Promise<string> {
  if (b === 'refused') return `http://127.0.0.1:${await closedPort()}`;
  server = await startLoopback((req, res) => {
    switch (b) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'timeout':
        return; // never answer
      case '429-retry-after':
        return json(res, 429, { message: 'slow down' }, { 'retry-after': '1' });
      case '429':
        return json(res, 429, { message: 'slow down' });
      case '500':
        return json(res, 500, {});
      case '503':
        return json(res, 503, {});
      case 'P500':
        return json(res, 400, { errorCode: 'P500', errorName: 'unknown-exception' });
      case 'P501':
        return json(res, 400, { errorCode: 'P501', errorName: 'service-unavailable' });
      case 'P433':
        return json(res, 400, { errorCode: 'P433', errorName: 'insufficient-funds' });
    }
  });
  return server.url;
}

/**
 * Only the 'timeout' server never answers, so only it needs a short attempt timeout; every other answer gets a
 * generous one, or a loaded machine (a slow loopback answer past 150 ms) turns a 429 into a timeout and the
 * table row being tested into another (seen under load average 8-11).
 */
function client(baseUrl: string, delays: number[], attempts: AttemptInfo[], attemptTimeoutMs = 2_000): P100Client {
  return new P100Client({
    baseUrl,
    apiKey: async () => 'k-123456',
    refreshApiKey: async () => 'k-123456',
    maxAttempts: MAX,
    attemptTimeoutMs,
    totalTimeoutMs: 10_000,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 0.5,
    // Sleeping is recorded, not waited: the test measures the policy, not the clock.
    sleep: async (ms) => {
      delays.push(ms);
    },
    onAttempt: (i) => attempts.push(i),
  });
}

describe('P100 client retry policy', () => {
  for (const [behaviour, byKind] of Object.entries(TABLE) as [Behaviour, (typeof TABLE)[Behaviour]][]) {
    for (const [kind, exp] of Object.entries(byKind) as ['read' | 'write', Expectation][]) {
      it(`${behaviour} on a ${kind}: ${exp.hits} request(s) reach P100, caller gets ${exp.error}`, async () => {
        const url = await serverFor(behaviour);
        const delays: number[] = [];
        const attempts: AttemptInfo[] = [];
        const c = client(url, delays, attempts, behaviour === 'timeout' ? 150 : 2_000);
        const err = await c
          .call({ operationId: 'op', kind, method: kind === 'read' ? 'GET' : 'POST', path: '/v1/x', ...(kind === 'write' ? { json: { a: 1 } } : {}) })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(server?.hits ?? 0).toBe(exp.hits);
        expect(new Set(attempts.map((a) => a.attempt)).size).toBe(exp.attempts);
        if (exp.error === 'business') {
          expect(err).toBeInstanceOf(P100BusinessError);
          expect((err as P100BusinessError).errorCode).toBe('P433');
          expect(delays).toEqual([]);
        } else if (exp.error === 'unknown') {
          expect(err).toBeInstanceOf(P100OutcomeUnknownError);
          expect((err as P100OutcomeUnknownError).failure).toBe(exp.failure);
          expect(delays).toEqual([]);
        } else {
          expect(err).toBeInstanceOf(P100TransportError);
          expect(err).not.toBeInstanceOf(P100OutcomeUnknownError);
          expect((err as P100TransportError).failure).toBe(exp.failure);
          expect(delays).toHaveLength(exp.attempts - 1);
          if (behaviour === '429-retry-after') {
            // Retry-After wins over our own backoff, and is passed on to the caller.
            expect(delays).toEqual([1000, 1000]);
            expect((err as P100TransportError).retryAfterSeconds).toBe(1);
          } else {
            // Full jitter with random()=0.5: half of min(max, base * 2^(n-1)).
            expect(delays).toEqual([50, 100]);
          }
        }
      });
    }
  }

  it('a read that fails once with 503 then succeeds returns the answer after 2 attempts', async () => {
    server = await startLoopback((_req, res, hit) => (hit === 1 ? json(res, 503, {}) : json(res, 200, { ok: true })));
    const res = await client(server.url, [], []).call({ operationId: 'op', kind: 'read', method: 'GET', path: '/v1/x' });
    expect(res).toMatchObject({ status: 200, body: { ok: true }, attempts: 2 });
    expect(server.hits).toBe(2);
  });

  it('a 202 carrying P211 is a success with the informational code kept', async () => {
    server = await startLoopback((_req, res) => json(res, 202, { errorCode: 'P211', errorName: 'poa-pending' }));
    const res = await client(server.url, [], []).call({ operationId: 'op', kind: 'write', method: 'POST', path: '/v1/x', json: {} });
    expect(res.status).toBe(202);
    expect(res.infoCode).toBe('P211');
  });

  it('gives up at once when Retry-After is longer than the client will wait', async () => {
    server = await startLoopback((_req, res) => json(res, 429, {}, { 'retry-after': '3600' }));
    const delays: number[] = [];
    const err = await client(server.url, delays, [])
      .call({ operationId: 'op', kind: 'read', method: 'GET', path: '/v1/x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(P100TransportError);
    expect(server.hits).toBe(1);
    expect(delays).toEqual([]);
  });

  it('never starts an attempt after the deadline', async () => {
    server = await startLoopback((_req, res) => json(res, 503, {}));
    const err = await client(server.url, [], [])
      .call({ operationId: 'op', kind: 'read', method: 'GET', path: '/v1/x', deadline: Date.now() + 10 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(P100TransportError);
    expect(server.hits).toBe(0);
  });

  it('sends x-api-key and maps 401 xo3 to an auth error without retrying', async () => {
    server = await startLoopback((_req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('Access Denied. xo3');
    });
    const err = await client(server.url, [], [])
      .call({ operationId: 'op', kind: 'read', method: 'GET', path: '/v1/x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(P100AuthError);
    expect((err as P100AuthError).reason).toBe('xo3');
    expect(server.hits).toBe(1);
    expect(server.requests[0]?.headers['x-api-key']).toBe('k-123456');
  });
});
