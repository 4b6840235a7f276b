import { afterAll, beforeAll, beforeEach, describe, it, expect } from 'vitest';
import { request } from 'node:http';
import { API_KEY, harness, list, obj, receiver, str, waitFor, WEBHOOK_TOKEN, type Harness } from './helpers.js';

let h: Harness;

beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.ctl('POST', '/_sandbox/reset', {});
  await h.ctl('POST', '/_sandbox/config', { rateLimit: null, webhookBaseUrl: null, timeScale: 1 });
});

describe('auth and routing', () => {
  it('401 plain text xo1 without a key, xo2 with a wrong one; control routes need none', async () => {
    const none = await fetch(`${h.sb.url}/v1/partner/balances`);
    expect(none.status).toBe(401);
    expect(await none.text()).toBe('Access Denied. xo1');
    const wrong = await fetch(`${h.sb.url}/v1/partner/balances`, { headers: { 'x-api-key': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('Access Denied. xo2');
    expect((await fetch(`${h.sb.url}/_sandbox/health`)).status).toBe(200);
    expect((await h.api('GET', '/v1/nothing/here')).status).toBe(404);
    expect((await h.api('PUT', '/v1/partner/balances')).status).toBe(405);
    const bad = await fetch(`${h.sb.url}/v1/transfer`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(await bad.json()).toMatchObject({ errorCode: 'P403' });
  });

  it('serves every endpoint of ASSUMPTIONS table B', async () => {
    const routes = (await h.ctl('GET', '/_sandbox/routes')).json['routes'];
    expect(Array.isArray(routes) && new Set(routes).size).toBe(44);
    for (const r of [
      'GET /v1/partner/exchange/lock',
      'PATCH /v1/crypto-deposit/update-travel-rule/{cryptoDepositId}',
      'DELETE /v1/card',
      'POST /v1/user/balances/extended',
      'GET /v1/user/sepa-deposit/info/{externalUserId}',
    ]) {
      expect(routes).toContain(r);
    }
  });
});

/** One raw request; resolves with the status or rejects with the socket error. */
function rawPost(path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(h.sb.url + path);
    const payload = JSON.stringify(body);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent: false,
        headers: { 'x-api-key': API_KEY, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('fault injection', () => {
  it('reset AFTER: the client sees a socket error, yet the transfer happened', async () => {
    await h.activeUser('f1');
    await h.ctl('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '100' });
    await h.ctl('POST', '/_sandbox/faults', { route: 'POST /v1/transfer', resetAfterRate: 1, times: 1 });
    await expect(rawPost('/v1/transfer', { destinationExternalUserId: 'f1', amount: '10', currency: 'eur' })).rejects.toThrow();
    const ops = (await h.ctl('GET', '/_sandbox/operations?type=TRANSFER')).json;
    expect(ops['total']).toBe(1);
    expect(list(ops['operations'])[0]).toMatchObject({ type: 'TRANSFER', amount: '10.00', externalUserId: 'f1' });
    // `times: 1` used up: the next call answers.
    expect(await rawPost('/v1/transfer', { destinationExternalUserId: 'f1', amount: '10', currency: 'eur' })).toBe(201);
    expect((await h.ctl('GET', '/_sandbox/faults')).json).toEqual({ faults: [] });
  });

  it('reset BEFORE: socket error and no effect', async () => {
    await h.activeUser('f2');
    await h.ctl('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '100' });
    await h.ctl('POST', '/_sandbox/faults', { route: 'POST /v1/transfer', resetBeforeRate: 1, times: 2 });
    await expect(rawPost('/v1/transfer', { destinationExternalUserId: 'f2', amount: '10', currency: 'eur' })).rejects.toThrow();
    await expect(rawPost('/v1/transfer', { destinationExternalUserId: 'f2', amount: '10', currency: 'eur' })).rejects.toThrow();
    expect((await h.ctl('GET', '/_sandbox/operations')).json['total']).toBe(0);
  });

  it('429 with Retry-After, HTTP 500, P501 and P500 (both 400), route-specific and global, with `times`', async () => {
    await h.ctl('POST', '/_sandbox/faults', { route: 'GET /v1/exchange/details/{exchangeId}', rate429: 1, retryAfterSeconds: 7, times: 1 });
    const r429 = await h.api('GET', '/v1/exchange/details/abc');
    expect(r429.status).toBe(429);
    expect(r429.headers.get('retry-after')).toBe('7');
    expect((await h.api('GET', '/v1/exchange/details/abc')).status).toBe(404);
    await h.ctl('POST', '/_sandbox/faults', { rate500: 1, times: 1 });
    expect((await h.api('GET', '/v1/partner/balances')).status).toBe(500);
    await h.ctl('POST', '/_sandbox/faults', { rateP501: 1, times: 1 });
    const p501 = await h.api('GET', '/v1/partner/balances');
    expect(p501.status).toBe(400);
    expect(p501.json).toEqual({ errorCode: 'P501', errorName: 'service-temporarily-unavailable', errorMessage: 'Service temporarily unavailable' });
    await h.ctl('POST', '/_sandbox/faults', { errorRate: 1, times: 1 });
    expect((await h.api('GET', '/v1/partner/balances')).json).toMatchObject({ errorCode: 'P500' });
    expect((await h.api('GET', '/v1/partner/balances')).status).toBe(200);
  });

  it('latency delays the answer; DELETE clears rules; probabilistic rates are reproducible per seed', async () => {
    await h.ctl('POST', '/_sandbox/faults', { route: 'GET /v1/partner/balances', latencyMs: 150, times: 1 });
    const t0 = Date.now();
    await h.api('GET', '/v1/partner/balances');
    const slow = Date.now() - t0;
    const t1 = Date.now();
    await h.api('GET', '/v1/partner/balances');
    expect(slow).toBeGreaterThanOrEqual(140);
    expect(Date.now() - t1).toBeLessThan(slow);

    const run = async () => {
      await h.ctl('POST', '/_sandbox/reset', { seed: 99 });
      await h.ctl('POST', '/_sandbox/faults', { rateP501: 0.5 });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await h.api('GET', '/v1/partner/balances')).status);
      await h.ctl('DELETE', '/_sandbox/faults');
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain(400);
    expect(a).toContain(200);
    expect((await h.api('GET', '/v1/partner/balances')).status).toBe(200);
  });

  it('rate limiting: 429 + Retry-After beyond the burst; stats count every P100 call', async () => {
    await h.ctl('POST', '/_sandbox/config', { rateLimit: { requestsPerSecond: 1, burst: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.api('GET', '/v1/partner/balances')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await h.api('GET', '/v1/partner/balances');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await h.ctl('POST', '/_sandbox/config', { rateLimit: null });
    const stats = (await h.ctl('GET', '/_sandbox/stats')).json;
    expect(obj(stats['routes'])['GET /v1/partner/balances']).toBe(6);
    expect(stats['total']).toBe(6);
    await h.ctl('DELETE', '/_sandbox/stats');
    expect((await h.ctl('GET', '/_sandbox/stats')).json['total']).toBe(0);
  });

  it('control validation: bad fault specs and unknown config keys are refused', async () => {
    expect((await h.ctl('POST', '/_sandbox/faults', { rate429: 2 })).status).toBe(400);
    expect((await h.ctl('POST', '/_sandbox/faults', { route: 'nonsense' })).status).toBe(400);
    expect((await h.ctl('POST', '/_sandbox/config', { sepaLevel: 3 })).status).toBe(400);
    expect((await h.ctl('POST', '/_sandbox/config', { what: 1 })).status).toBe(400);
    const cfg = (await h.ctl('GET', '/_sandbox/config')).json;
    expect(cfg['webhookToken']).toBeUndefined();
    expect(cfg['apiKey']).toBeUndefined();
    expect(cfg).toMatchObject({ sepaLevel: 1, webhookTokenSet: true });
  });
});

describe('webhook delivery', () => {
  it('retries after 8/16/32/64 × timeScale, in order, with the raw token, and stops at success', async () => {
    const hook = await receiver((_p, n) => (n <= 4 ? 500 : 200));
    try {
      await h.ctl('POST', '/_sandbox/config', { webhookBaseUrl: hook.url, timeScale: 0.005 });
      await h.api('POST', '/v1/user/balances/crypto-and-fiat', { externalUserId: 'wh1', citizenship: 'PL' });
      await h.ctl('POST', '/_sandbox/users/wh1/activate');
      const d = await waitFor(async () => {
        const all = list((await h.ctl('GET', '/_sandbox/webhooks/deliveries?path=/webhook/user/status')).json['deliveries']);
        return all[0]?.['status'] === 'DELIVERED' ? all[0] : undefined;
      }, 20_000);
      const attempts = list(d['attempts']);
      // Five attempts: the first four fail, the fifth (the last one P100 makes) succeeds.
      expect(attempts.map((a) => a['httpStatus'])).toEqual([500, 500, 500, 500, 200]);
      expect(hook.received.every((r) => r.auth === WEBHOOK_TOKEN)).toBe(true);
      // The schedule itself: 8/16/32/64 s × 0.005 = 40/80/160/320 ms after each failure, none after the success.
      expect(attempts.map((a) => a['retryDelayMs'])).toEqual([40, 80, 160, 320, null]);
      // And it is kept: each retry starts no earlier than its delay after the failed attempt ended. Only lower
      // bounds are asserted (timers never fire early; a loaded machine may make them late).
      for (let i = 1; i < attempts.length; i++) {
        const gap = Number(attempts[i]?.['startedAt']) - Number(attempts[i - 1]?.['finishedAt']);
        expect(gap).toBeGreaterThanOrEqual(Number(attempts[i - 1]?.['retryDelayMs']) - 1);
      }
    } finally {
      await hook.close();
    }
  });

  it('gives up after 5 attempts (FAILED); without a base URL deliveries are SKIPPED', async () => {
    await h.api('POST', '/v1/user/balances/crypto-and-fiat', { externalUserId: 'wh0', citizenship: 'PL' });
    await h.ctl('POST', '/_sandbox/users/wh0/activate');
    expect(list((await h.ctl('GET', '/_sandbox/webhooks/deliveries?status=SKIPPED')).json['deliveries'])).toHaveLength(1);
    const hook = await receiver(() => 503);
    try {
      await h.ctl('POST', '/_sandbox/config', { webhookBaseUrl: hook.url, timeScale: 0.001 });
      await h.api('POST', '/v1/user/balances/crypto-and-fiat', { externalUserId: 'wh2', citizenship: 'PL' });
      await h.ctl('POST', '/_sandbox/users/wh2/activate');
      const d = await waitFor(async () => {
        const all = list((await h.ctl('GET', '/_sandbox/webhooks/deliveries?status=FAILED')).json['deliveries']);
        return all[0];
      });
      expect(list(d['attempts'])).toHaveLength(5);
      await new Promise((r) => setTimeout(r, 150));
      expect(hook.received).toHaveLength(5);
    } finally {
      await hook.close();
    }
  });

  it('drop, duplicate and reorder faults', async () => {
    const hook = await receiver();
    try {
      await h.ctl('POST', '/_sandbox/config', { webhookBaseUrl: hook.url, timeScale: 0.001 });
      await h.ctl('POST', '/_sandbox/webhooks/faults', { dropRate: 1 });
      await h.api('POST', '/v1/user/balances/crypto-and-fiat', { externalUserId: 'x1', citizenship: 'PL' });
      await h.ctl('POST', '/_sandbox/users/x1/activate');
      expect(list((await h.ctl('GET', '/_sandbox/webhooks/deliveries?status=DROPPED')).json['deliveries'])).toHaveLength(1);

      await h.ctl('POST', '/_sandbox/webhooks/faults', { dropRate: 0, duplicateRate: 1 });
      await h.api('PATCH', '/v1/user/suspend/x1');
      await waitFor(() => hook.received.length === 2);
      expect(hook.received.map((r) => r.body)).toEqual([
        { externalUserId: 'x1', status: 'SUSPENDED' },
        { externalUserId: 'x1', status: 'SUSPENDED' },
      ]);

      hook.received.length = 0;
      await h.ctl('POST', '/_sandbox/webhooks/faults', { duplicateRate: 0, reorderRate: 1, reorderDelayMs: 100 });
      await h.api('PATCH', '/v1/user/unsuspend/x1');
      await h.ctl('POST', '/_sandbox/webhooks/faults', { reorderRate: 0 });
      await h.api('PATCH', '/v1/user/suspend/x1');
      await waitFor(() => hook.received.length === 2);
      // The held-back ACTIVE arrives after the later SUSPENDED.
      expect(hook.received.map((r) => r.body['status'])).toEqual(['SUSPENDED', 'ACTIVE']);
    } finally {
      await hook.close();
    }
  });
});

describe('determinism', () => {
  it('the same seed and requests give the same ids', async () => {
    const ids = async () => {
      await h.ctl('POST', '/_sandbox/reset', { seed: 1234 });
      const u = await h.api('POST', '/v1/user/balances/crypto-and-fiat', { externalUserId: 'det', citizenship: 'PL' });
      await h.ctl('POST', '/_sandbox/users/det/activate');
      const card = await h.api('POST', '/v1/card/virtual', { externalUserId: 'det', label: 'x', pin: '1234' });
      return [str(u.json['userId']), str(card.json['cardId']), str(card.json['cardNumber'])];
    };
    expect(await ids()).toEqual(await ids());
  });
});
