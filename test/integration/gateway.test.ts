import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryFileOf, operations } from '../../shared/catalog/index.js';
import { startGateway, type RunningGateway } from '../../local/gateway/server.js';
import type { LocalRoute } from '../../local/gateway/routes.js';
import { suiteRoutes } from '../../local/gateway/suite-routes.js';

/** Routes whose handler echoes the event it received, so the test can inspect the v2 event. */
const echo: LocalRoute['load'] = async () => async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(event),
});

describe('local gateway', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({
      routes: [
        { method: 'GET', path: '/users/{externalUserId}/balances', load: echo },
        { method: 'POST', path: '/users/{externalUserId}/cards/{cardId}/block', load: echo },
        { method: 'GET', path: '/cards/limits', load: echo },
        { method: 'GET', path: '/cards/{cardId}', load: echo },
        { method: 'POST', path: '/upload', load: echo },
        { method: 'GET', path: '/status', load: async () => async () => ({ statusCode: 418, headers: { 'x-a': 'b' }, body: 'teapot', cookies: ['c=1'] }) },
        {
          method: 'GET',
          path: '/boom',
          load: async () => async () => {
            throw new Error('secret-internal-detail');
          },
        },
      ],
    });
  });
  afterAll(() => gw.close());

  it('builds a v2 event with decoded path parameters, query (repeats joined) and lower-case headers', async () => {
    const res = await fetch(`${gw.url}/users/user%201/balances?a=1&b=x%20y&a=2`, { headers: { 'X-Request-Id': 'r1', Cookie: 'k=v; z=w' } });
    const e = (await res.json()) as { headers: Record<string, string | undefined>; body?: string };
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'GET /users/{externalUserId}/balances',
      rawPath: '/users/user%201/balances',
      rawQueryString: 'a=1&b=x%20y&a=2',
      pathParameters: { externalUserId: 'user 1' },
      queryStringParameters: { a: '1,2', b: 'x y' },
      cookies: ['k=v', 'z=w'],
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/users/user%201/balances' }, stage: '$default' },
    });
    expect(e.headers['x-request-id']).toBe('r1');
    expect(e.headers.cookie).toBeUndefined();
    expect(e.body).toBeUndefined();
  });

  it('passes JSON bodies as text and binary bodies base64-encoded', async () => {
    const jsonRes = (await (
      await fetch(`${gw.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })
    ).json()) as Record<string, unknown>;
    expect(jsonRes).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
    const bin = (await (await fetch(`${gw.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: bytes })).json()) as {
      isBase64Encoded: boolean;
      body: string;
    };
    expect(bin.isBase64Encoded).toBe(true);
    expect(Buffer.from(bin.body, 'base64').equals(bytes)).toBe(true);
  });

  it('passes a JSON body with invalid UTF-8 base64-encoded, bytes intact', async () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    const res = (await (await fetch(`${gw.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes })).json()) as {
      isBase64Encoded: boolean;
      body: string;
    };
    expect(res.isBase64Encoded).toBe(true);
    expect(Buffer.from(res.body, 'base64').equals(bytes)).toBe(true);
  });

  it('prefers literal segments over parameters, as API Gateway does', async () => {
    expect(((await (await fetch(`${gw.url}/cards/limits`)).json()) as { routeKey: string }).routeKey).toBe('GET /cards/limits');
    expect(((await (await fetch(`${gw.url}/cards/c-1`)).json()) as { pathParameters: unknown }).pathParameters).toEqual({ cardId: 'c-1' });
  });

  it('answers 404 for unknown paths and 405 with Allow for a known path with another method', async () => {
    const nf = await fetch(`${gw.url}/nope`);
    expect(nf.status).toBe(404);
    expect(nf.headers.get('content-type')).toBe('application/problem+json');
    const na = await fetch(`${gw.url}/cards/limits`, { method: 'DELETE' });
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('GET');
  });

  it("writes the handler's status, headers, cookies and body back", async () => {
    const res = await fetch(`${gw.url}/status`);
    expect(res.status).toBe(418);
    expect(res.headers.get('x-a')).toBe('b');
    expect(res.headers.get('set-cookie')).toBe('c=1');
    expect(await res.text()).toBe('teapot');
  });

  it('turns a handler crash into a bare 500 without internals', async () => {
    const res = await fetch(`${gw.url}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret-internal-detail');
  });
});

describe('suite routes', () => {
  it('serve every catalog operation whose entry file exists, at its catalog route', () => {
    const { routes, missing } = suiteRoutes();
    for (const op of operations) {
      const served = routes.some((r) => r.method === op.route.method && r.path === op.route.path);
      expect(served || missing.includes(entryFileOf(op)), op.operationId).toBe(true);
    }
    expect(routes.length).toBeGreaterThanOrEqual(6);
  });
});
