/** The data key (shared/secrets/data-key.ts) and the v2 seal under it (shared/webhooks/seal.ts). No network. */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { dataKeyId, DataKeyError, digest, digests, hmacWith, parseDataKey, setDataKeyRing } from '../../shared/secrets/index.js';
import { sealVersion, sealWithDataKey, unsealWithDataKey, UnsealError } from '../../shared/webhooks/seal.js';

const A = randomBytes(32);
const B = randomBytes(32);

afterEach(() => setDataKeyRing(undefined));

describe('parseDataKey', () => {
  it('reads base64 of 32 bytes, or {current, previous} during a rotation', () => {
    expect(parseDataKey(A.toString('base64')).current.equals(A)).toBe(true);
    const ring = parseDataKey(JSON.stringify({ current: A.toString('base64'), previous: B.toString('base64') }));
    expect(ring.current.equals(A) && ring.previous?.equals(B)).toBe(true);
  });
  it('refuses short or malformed keys with a message that says what to store', () => {
    expect(() => parseDataKey(randomBytes(16).toString('base64'))).toThrow(/at least 32 random bytes/);
    expect(() => parseDataKey('not base64 !')).toThrow(DataKeyError);
    expect(() => parseDataKey('{"previous":"x"}')).toThrow(DataKeyError);
  });
});

describe('keyed digests', () => {
  it('differ per purpose and per key, and never equal a plain hash of the data', async () => {
    setDataKeyRing({ current: A });
    const d = await digest('webhook-dedup', 'card3dsCode\n{"code":"123456"}');
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(d).toBe(hmacWith(A, 'webhook-dedup', 'card3dsCode\n{"code":"123456"}'));
    expect(d).not.toBe(hmacWith(A, 'idempotency-fingerprint', 'card3dsCode\n{"code":"123456"}'));
    expect(d).not.toBe(hmacWith(B, 'webhook-dedup', 'card3dsCode\n{"code":"123456"}'));
  });
  it('give current then previous during a rotation', async () => {
    setDataKeyRing({ current: B, previous: A });
    expect(await digests('idempotency-fingerprint', 'x')).toEqual([hmacWith(B, 'idempotency-fingerprint', 'x'), hmacWith(A, 'idempotency-fingerprint', 'x')]);
  });
});

describe('seal v2 (data key)', () => {
  it('opens with the key that made it, during a rotation too, and only for its event', () => {
    const sealed = sealWithDataKey({ current: A }, { code: '123456', iban: 'DE89370400440532013000' }, 'card3dsCode:c1');
    expect(sealVersion(sealed)).toBe('v2');
    expect(sealed).not.toContain('123456');
    expect(sealed.split('.')[1]).toBe(dataKeyId(A));
    expect(unsealWithDataKey({ current: A }, sealed, 'card3dsCode:c1')).toEqual({ code: '123456', iban: 'DE89370400440532013000' });
    expect(unsealWithDataKey({ current: B, previous: A }, sealed, 'card3dsCode:c1')).toEqual({ code: '123456', iban: 'DE89370400440532013000' });
    expect(() => unsealWithDataKey({ current: A }, sealed, 'card3dsCode:c2')).toThrow(UnsealError);
    expect(() => unsealWithDataKey({ current: B }, sealed, 'card3dsCode:c1')).toThrow(/rotated out/);
  });
});
