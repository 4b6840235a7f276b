/**
 * Issue 12, observation 1: card PINs were recoverable from the idempotency records (an unkeyed SHA-256 of
 * the request, PIN included). An attacker who reads the table and guesses the rest of the payload (the
 * card label) tries all 10^4 PINs. The fingerprint must be a keyed HMAC under the data key: the same brute
 * force then recovers nothing. No network: the records land in memory.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOperation } from '../../shared/catalog/index.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { withIdempotency } from '../../shared/idempotency/index.js';
import type { OperationContext } from '../../shared/http/operation-impl.js';
import type { P100Client } from '../../shared/p100/client.js';
import * as secrets from '../../shared/secrets/index.js';
import { setDocumentClient } from '../../shared/store/client.js';
import { idempotencyPk, type BeginResult, type IdempotencyPersistence, type IdempotencyRecord } from '../../shared/idempotency/index.js';

class MemoryStore implements IdempotencyPersistence {
  readonly records = new Map<string, IdempotencyRecord>();
  async begin(i: { operationId: string; key: string; fingerprint: string; lockExpiresAt: number }): Promise<BeginResult> {
    const pk = idempotencyPk(i.operationId, i.key);
    const at = new Date().toISOString();
    this.records.set(pk, {
      pk,
      operationId: i.operationId,
      idempotencyKey: i.key,
      fingerprint: i.fingerprint,
      status: 'IN_PROGRESS',
      lockToken: 't',
      lockExpiresAt: i.lockExpiresAt,
      expiresAt: 4_000_000_000,
      createdAt: at,
      updatedAt: at,
    });
    return { acquired: true, pk, lockToken: 't' };
  }
  async get(pk: string) {
    return this.records.get(pk);
  }
  async complete() {
    return true;
  }
  async release() {
    return true;
  }
  async closeAsUnknown() {
    return true;
  }
}

/** What the attacker computes: the fingerprint formula of ASSUMPTIONS.md H1 before issue 12, for every PIN. */
function bruteForce(operationId: string, fingerprint: string, payload: (pin: string) => unknown): string | undefined {
  for (let n = 0; n < 10_000; n++) {
    const pin = String(n).padStart(4, '0');
    const guess = createHash('sha256')
      .update(operationId)
      .update('\n')
      .update(canonicalJson(payload(pin)))
      .digest('hex');
    if (guess === fingerprint) return pin;
  }
  return undefined;
}

beforeAll(() => {
  // The ledger write of an accepted createCard goes nowhere.
  process.env.LEDGER_TABLE = 'unit-ledger';
  setDocumentClient({ send: async () => ({}) } as unknown as DynamoDBDocumentClient);
  // A data key for this process (the functions read it from Secrets Manager). Absent before issue 12: harmless.
  (secrets as { setDataKeyRing?: (r: { current: Buffer } | undefined) => void }).setDataKeyRing?.({ current: randomBytes(32) });
});
afterAll(() => {
  setDocumentClient(undefined);
  (secrets as { setDataKeyRing?: (r: undefined) => void }).setDataKeyRing?.(undefined);
});

describe('idempotency fingerprints of requests that carry a PIN', () => {
  it('do not give the PIN back to someone who reads the table and knows the rest of the payload', async () => {
    const op = getOperation('createCard');
    const store = new MemoryStore();
    const client = {
      call: async () => ({ status: 201, body: { cardId: 'c-1', cardNumber: '5412751234123452', cvv: '913' }, attempts: 1 }),
    } as unknown as P100Client;
    const wrapped = withIdempotency(
      op,
      async (_i, c) => ({ status: 201, body: (await c.client().call({ operationId: op.operationId, kind: 'money', method: 'POST', path: '/x' })).body }),
      { store },
    );
    const pins = ['7391', '0000', '4821'];
    for (const [i, pin] of pins.entries()) {
      const input = { params: { externalUserId: `u-${i}` }, query: {}, body: { label: 'travel', pin } };
      const ctx: OperationContext = {
        op,
        requestId: 'r',
        deadline: Date.now() + 9_000,
        client: () => client,
        headers: { 'idempotency-key': `pin-key-${i}-0000` },
        operator: 'test',
        lambda: { getRemainingTimeInMillis: () => 10_000 } as unknown as Context,
      };
      await wrapped(input, ctx);
      const record = store.records.get(idempotencyPk(op.operationId, `pin-key-${i}-0000`));
      expect(record?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      const recovered = bruteForce(op.operationId, record!.fingerprint, (p) => ({ params: input.params, query: {}, body: { label: 'travel', pin: p } }));
      expect(recovered, `PIN ${pin} recovered from the stored fingerprint`).toBeUndefined();
      // Nor is the PIN anywhere else in the record.
      expect(JSON.stringify(record)).not.toContain(`"${pin}"`);
    }
  });
});
