import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacWith } from '../../shared/secrets/data-key.js';
import { smokeEventKey, smokeMarker, verifySmokeMarker } from '../../shared/webhooks/smoke.js';

describe('smoke marker (shared/webhooks/smoke.ts)', () => {
  const current = randomBytes(32);
  const previous = randomBytes(32);
  const body = '{"exchangeId":"smoke-1","status":"COMPLETED"}';

  it('verifies under the current key, and under the previous one during a data-key rotation', () => {
    expect(verifySmokeMarker({ current }, 'exchange', body, smokeMarker(current, 'exchange', body))).toBe(true);
    expect(verifySmokeMarker({ current, previous }, 'exchange', body, smokeMarker(previous, 'exchange', body))).toBe(true);
    expect(verifySmokeMarker({ current }, 'exchange', body, smokeMarker(previous, 'exchange', body))).toBe(false);
  });

  it('is bound to the webhook and to the exact body', () => {
    const marker = smokeMarker(current, 'exchange', body);
    expect(verifySmokeMarker({ current }, 'p2pTransfer', body, marker)).toBe(false);
    expect(verifySmokeMarker({ current }, 'exchange', `${body} `, marker)).toBe(false);
    expect(verifySmokeMarker({ current }, 'exchange', body, '')).toBe(false);
    expect(verifySmokeMarker({ current }, 'exchange', body, marker.slice(0, 10))).toBe(false);
  });

  it('derives smoke event ids under a key of their own: never a real dedup key of the same data', () => {
    const data = 'exchange\n{"exchangeId":"x"}';
    const smokeId = smokeEventKey(current)(data);
    expect(smokeId).toMatch(/^[0-9a-f]{64}$/);
    expect(smokeId).not.toBe(hmacWith(current, 'webhook-dedup', data));
  });
});
