/** Unit tests of the webhook building blocks: token checks, sealing, body parsing, dedup keys, paths. */
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../shared/http/problem.js';
import { getWebhook, webhookPath, webhookProcessing, webhooks } from '../../shared/webhooks/catalog.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { decodeWebhookBody, dedupKey, MAX_WEBHOOK_BODY_BYTES, parseWebhookBody } from '../../shared/webhooks/event.js';
import { hmacWith } from '../../shared/secrets/index.js';
import { keyId, seal, unseal, UnsealError } from '../../shared/webhooks/seal.js';
import { authorizationMatches, parseWebhookTokenSecret, WebhookTokenSecretError, WebhookTokenVerifier } from '../../shared/webhooks/token.js';

const TOKEN = 'tok-0123456789abcdef';
const DATA_KEY = Buffer.alloc(32, 7);

describe('webhook token', () => {
  it('accepts the raw token and `Bearer <token>` (any case, extra spaces), nothing else', () => {
    const set = { token: TOKEN };
    expect(authorizationMatches(TOKEN, set, 0)).toBe(true);
    expect(authorizationMatches(`Bearer ${TOKEN}`, set, 0)).toBe(true);
    expect(authorizationMatches(`bearer   ${TOKEN}`, set, 0)).toBe(true);
    expect(authorizationMatches(undefined, set, 0)).toBe(false);
    expect(authorizationMatches('', set, 0)).toBe(false);
    expect(authorizationMatches(`${TOKEN}x`, set, 0)).toBe(false);
    expect(authorizationMatches(TOKEN.slice(0, -1), set, 0)).toBe(false);
    expect(authorizationMatches(`Basic ${TOKEN}`, set, 0)).toBe(false);
    expect(authorizationMatches('Bearer', set, 0)).toBe(false);
  });

  it('parses a plain secret and the rotation JSON; the previous token only counts inside its window', () => {
    expect(parseWebhookTokenSecret(`  ${TOKEN}\n`)).toEqual({ token: TOKEN });
    const set = parseWebhookTokenSecret(JSON.stringify({ token: 'new-token-abcdef', previous: TOKEN, previousValidUntil: '2030-01-01T00:00:00Z' }));
    const until = Date.parse('2030-01-01T00:00:00Z');
    expect(set).toEqual({ token: 'new-token-abcdef', previous: TOKEN, previousValidUntil: until });
    expect(authorizationMatches(TOKEN, set, until - 1)).toBe(true);
    expect(authorizationMatches(TOKEN, set, until)).toBe(false);
    expect(authorizationMatches('new-token-abcdef', set, until + 1)).toBe(true);
    // A previous token without an end date is never accepted.
    const open = parseWebhookTokenSecret(JSON.stringify({ token: 'new-token-abcdef', previous: TOKEN }));
    expect(authorizationMatches(TOKEN, open, 0)).toBe(false);
  });

  it('rejects unusable secrets with a message that says what to store', () => {
    expect(() => parseWebhookTokenSecret('')).toThrow(WebhookTokenSecretError);
    expect(() => parseWebhookTokenSecret('{"nope": 1}')).toThrow(/"token"/);
    expect(() => parseWebhookTokenSecret('{not json')).toThrow(WebhookTokenSecretError);
  });

  it('refreshes the secret once on a mismatch, then not again within the interval', async () => {
    let now = 1_000_000;
    let stored = TOKEN;
    let cached = TOKEN;
    let fetches = 0;
    const v = new WebhookTokenVerifier({
      load: async () => cached,
      refresh: async () => {
        fetches++;
        cached = stored;
        return cached;
      },
      refreshIntervalMs: 30_000,
      now: () => now,
    });
    expect(await v.verify(TOKEN)).toBe(true);
    expect(fetches).toBe(0);
    // Rotated in Secrets Manager; the container still has the old value cached.
    stored = 'rotated-token-xyz123';
    expect(await v.verify('rotated-token-xyz123')).toBe(true);
    expect(fetches).toBe(1);
    for (let i = 0; i < 50; i++) expect(await v.verify(`wrong-${i}`)).toBe(false);
    expect(fetches).toBe(1);
    expect(await v.verify(undefined)).toBe(false);
    now += 30_000;
    expect(await v.verify('wrong-again')).toBe(false);
    expect(fetches).toBe(2);
    expect(v.refreshes).toBe(2);
  });

  it('validates its options when built', () => {
    expect(() => new WebhookTokenVerifier({ load: async () => TOKEN, refresh: async () => TOKEN, refreshIntervalMs: -1 })).toThrow(/refreshIntervalMs/);
  });
});

describe('sealing', () => {
  it('round-trips under the same token and event, and opens with the previous token after a rotation', () => {
    const sealed = seal(TOKEN, { code: '123456' }, 'card3dsCode:c1');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{16}\./);
    expect(sealed).not.toContain('123456');
    expect(unseal({ token: TOKEN }, sealed, 'card3dsCode:c1')).toEqual({ code: '123456' });
    expect(unseal({ token: 'new-token-zzzzzz', previous: TOKEN }, sealed, 'card3dsCode:c1')).toEqual({ code: '123456' });
  });

  it('refuses another event (AAD), a tampered value, and a token that rotated out', () => {
    const sealed = seal(TOKEN, { code: '123456' }, 'card3dsCode:c1');
    expect(() => unseal({ token: TOKEN }, sealed, 'card3dsCode:c2')).toThrow(UnsealError);
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[4] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    parts[4] = ct.toString('base64url');
    expect(() => unseal({ token: TOKEN }, parts.join('.'), 'card3dsCode:c1')).toThrow(UnsealError);
    expect(() => unseal({ token: 'some-other-token' }, sealed, 'card3dsCode:c1')).toThrow(/rotated out/);
    expect(() => unseal({ token: TOKEN }, 'garbage', 'x')).toThrow(UnsealError);
  });

  it('key ids depend on the token and reveal nothing of it', () => {
    expect(keyId(TOKEN)).not.toBe(keyId('another-token-123'));
    expect(keyId(TOKEN)).not.toContain(TOKEN.slice(0, 6));
  });
});

describe('webhook bodies', () => {
  const deposit = getWebhook('cryptoDeposit');

  it('decodes text and base64, refuses empty, oversized and non-UTF-8 bodies with problems', () => {
    expect(decodeWebhookBody('{"a":1}', false)).toBe('{"a":1}');
    expect(decodeWebhookBody(Buffer.from('{"a":1}').toString('base64'), true)).toBe('{"a":1}');
    const status = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof HttpProblem ? e.status : -1;
      }
      return 0;
    };
    expect(status(() => decodeWebhookBody(undefined, false))).toBe(400);
    expect(status(() => decodeWebhookBody('x'.repeat(MAX_WEBHOOK_BODY_BYTES + 1), false))).toBe(413);
    expect(status(() => decodeWebhookBody('x'.repeat(MAX_WEBHOOK_BODY_BYTES), false))).toBe(0);
    expect(status(() => decodeWebhookBody(Buffer.from([0xc3, 0x28]).toString('base64'), true))).toBe(400);
  });

  it('reads flat and wrapped bodies alike; status upper-cased; ids from numbers and snake_case', () => {
    const flat = parseWebhookBody(deposit, '{"cryptoDepositId":"d1","status":"successful","externalUserId":"u1","extra":{"x":1}}');
    expect(flat).toMatchObject({ envelope: 'flat', entityId: 'd1', status: 'SUCCESSFUL', externalUserId: 'u1' });
    expect(flat.entity.extra).toEqual({ x: 1 });
    const wrapped = parseWebhookBody(deposit, '{"event_type":"crypto_deposit.status_changed","data":{"cryptoDepositId":"d1","status":"SUCCESSFUL"}}');
    expect(wrapped).toMatchObject({ envelope: 'wrapped', eventType: 'crypto_deposit.status_changed', entityId: 'd1', status: 'SUCCESSFUL' });
    const code = parseWebhookBody(
      getWebhook('cardActivationCode'),
      '{"event_type":"card.activation","data":{"external_user_id":"u9","card_id":42,"code":"1234"}}',
    );
    expect(code).toMatchObject({ entityId: '42', externalUserId: 'u9' });
    expect(code.status).toBeUndefined();
    // `event_type` without an object `data` is not an envelope: the body is the entity.
    expect(parseWebhookBody(deposit, '{"event_type":"x","data":"y","cryptoDepositId":"d2"}')).toMatchObject({ envelope: 'flat', entityId: 'd2' });
  });

  it('refuses malformed JSON and non-objects with 400', () => {
    for (const text of ['{', 'null', '[]', '"s"', '42']) {
      expect(() => parseWebhookBody(deposit, text)).toThrow(HttpProblem);
    }
  });

  it('canonical JSON ignores key order at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('dedup keys: same event same key (key order, envelope), new status or id new key; secrets only as HMAC', () => {
    // The receiver's keyed HMAC (data key, purpose webhook-dedup).
    const fp = (v: string) => hmacWith(DATA_KEY, 'webhook-dedup', v);
    const k = (e: Record<string, unknown>, def = deposit) => dedupKey(def, e, fp);
    const base = { cryptoDepositId: 'd1', status: 'WAITING_FOR_TR_DATA', amount: '0.1' };
    expect(k(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(k({ amount: '0.1', status: 'WAITING_FOR_TR_DATA', cryptoDepositId: 'd1' })).toBe(k(base));
    expect(k({ ...base, status: 'SUCCESSFUL' })).not.toBe(k(base));
    expect(k({ ...base, cryptoDepositId: 'd2' })).not.toBe(k(base));
    expect(dedupKey(getWebhook('exchange'), base, fp)).not.toBe(k(base));
    const tds = getWebhook('card3dsCode');
    expect(k({ cardId: 'c1', code: '111111' }, tds)).not.toBe(k({ cardId: 'c1', code: '222222' }, tds));
    expect(k({ cardId: 'c1', code: '111111' }, tds)).toBe(k({ cardId: 'c1', code: '111111' }, tds));
  });
});

describe('webhook catalog', () => {
  it('every webhook has a processing row; codes deliver their code and nothing else secret', () => {
    for (const w of webhooks) {
      const p = webhookProcessing[w.name];
      expect(p, w.name).toBeDefined();
      for (const f of p?.deliverSecretFields ?? []) expect(w.secretFields).toContain(f);
    }
    expect(webhookProcessing.card3dsCode?.deliverSecretFields).toEqual(['code']);
    expect(webhookProcessing.sepaTransfer?.deliverSecretFields).toEqual([]);
  });

  it('webhookPath applies WEBHOOK_PATH_OVERRIDES and refuses bad overrides', () => {
    const def = getWebhook('exchange');
    expect(webhookPath(def, {})).toBe('/webhook/exchange/status');
    expect(webhookPath(def, { WEBHOOK_PATH_OVERRIDES: '{"exchange":"/webhook/exchanges"}' })).toBe('/webhook/exchanges');
    expect(webhookPath(def, { WEBHOOK_PATH_OVERRIDES: '{"userStatus":"/webhook/u"}' })).toBe('/webhook/exchange/status');
    expect(() => webhookPath(def, { WEBHOOK_PATH_OVERRIDES: '{"exchange":"/other"}' })).toThrow(/\/webhook\//);
    expect(() => webhookPath(def, { WEBHOOK_PATH_OVERRIDES: 'nope' })).toThrow(/JSON/);
    expect(() => getWebhook('nope')).toThrow(/Unknown webhook/);
  });
});
