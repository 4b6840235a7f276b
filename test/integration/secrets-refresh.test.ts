import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { P100AuthError, P100Client } from '../../shared/p100/index.js';
import { SecretCache, apiKeyFromSecret } from '../../shared/secrets/index.js';
import { json, startLoopback, type Loopback } from '../support/loopback.js';

/** A Secrets Manager client double whose value can be rotated; counts GetSecretValue calls. */
function fakeSecrets(initial: string) {
  const state = { value: initial, calls: 0 };
  const client = {
    send: async () => {
      state.calls++;
      return { SecretString: state.value };
    },
  } as unknown as Pick<SecretsManagerClient, 'send'>;
  return { state, client };
}

describe('SecretCache', () => {
  it('serves from cache within the TTL and fetches again after it', async () => {
    let now = 1_000_000;
    const { state, client } = fakeSecrets('v1');
    const cache = new SecretCache({ client, ttlSeconds: 60, now: () => now });
    expect(await cache.get('id')).toBe('v1');
    now += 59_000;
    expect(await cache.get('id')).toBe('v1');
    expect(state.calls).toBe(1);
    state.value = 'v2';
    now += 2_000;
    expect(await cache.get('id')).toBe('v2');
    expect(state.calls).toBe(2);
  });

  it('makes one call for many concurrent cold reads', async () => {
    const { state, client } = fakeSecrets('v1');
    const cache = new SecretCache({ client });
    const values = await Promise.all(Array.from({ length: 50 }, () => cache.get('id')));
    expect(new Set(values)).toEqual(new Set(['v1']));
    expect(state.calls).toBe(1);
  });

  it('refresh() bypasses the cache', async () => {
    const { state, client } = fakeSecrets('v1');
    const cache = new SecretCache({ client, ttlSeconds: 3600 });
    await cache.get('id');
    state.value = 'v2';
    expect(await cache.refresh('id')).toBe('v2');
    expect(await cache.get('id')).toBe('v2');
    expect(state.calls).toBe(2);
  });

  it('rejects a negative TTL when built', () => {
    expect(() => new SecretCache({ ttlSeconds: -1 })).toThrow(/ttlSeconds/);
  });

  it('reads the API key raw or from JSON', () => {
    expect(apiKeyFromSecret(' abc ')).toBe('abc');
    expect(apiKeyFromSecret('{"apiKey":"xyz"}')).toBe('xyz');
    expect(() => apiKeyFromSecret('{"nope":1}')).toThrow(/apiKey/);
  });
});

describe('forced refresh on a P100 401 (key rotated)', () => {
  let server: Loopback | undefined;
  afterEach(async () => server?.close());

  function clientWith(cache: SecretCache, url: string) {
    return new P100Client({ baseUrl: url, apiKey: () => cache.get('key'), refreshApiKey: () => cache.refresh('key'), sleep: async () => undefined });
  }

  it('refreshes the secret once and retries once with the new key (also for writes)', async () => {
    server = await startLoopback((req, res) => {
      if (req.headers['x-api-key'] !== 'new-key-1') {
        res.writeHead(401);
        res.end('Access Denied. xo2');
        return;
      }
      json(res, 201, { transferId: 't1' });
    });
    const { state, client } = fakeSecrets('old-key-1');
    const cache = new SecretCache({ client, ttlSeconds: 3600 });
    await cache.get('key');
    state.value = 'new-key-1';
    const res = await clientWith(cache, server.url).call({ operationId: 'createTransfer', kind: 'money', method: 'POST', path: '/v1/transfer', json: {} });
    expect(res.status).toBe(201);
    expect(server.hits).toBe(2);
    expect(state.calls).toBe(2);
  });

  it('refreshes exactly once when the new key is wrong too, then fails with an auth error', async () => {
    server = await startLoopback((_req, res) => {
      res.writeHead(401);
      res.end('Access Denied. xo2');
    });
    const { state, client } = fakeSecrets('bad-key-1');
    const cache = new SecretCache({ client, ttlSeconds: 3600 });
    const err = await clientWith(cache, server.url)
      .call({ operationId: 'getPartnerBalances', kind: 'read', method: 'GET', path: '/v1/partner/balances' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(P100AuthError);
    expect((err as P100AuthError).reason).toBe('xo2');
    expect(server.hits).toBe(2);
    expect(state.calls).toBe(2);
  });

  it('does not refresh on xo1 or xo3 (a refresh cannot fix them)', async () => {
    server = await startLoopback((_req, res) => {
      res.writeHead(401);
      res.end('Access Denied. xo1');
    });
    const { state, client } = fakeSecrets('key-12345');
    const cache = new SecretCache({ client });
    await expect(clientWith(cache, server.url).call({ operationId: 'x', kind: 'read', method: 'GET', path: '/v1/x' })).rejects.toBeInstanceOf(P100AuthError);
    expect(state.calls).toBe(1);
    expect(server.hits).toBe(1);
  });
});
