import { getLedgerOperation, type OperationType } from '../store/ledger.js';
import { getLedgerUser } from '../store/ledger-users.js';
import type { WebhookDefinition } from './catalog.js';
import { webhookProcessingOf } from './catalog.js';
import { isSafeId } from '../safe-id.js';

/**
 * Which ledger entity an event is about, and its state version (ASSUMPTIONS.md E9): the receiver asks
 * for the version when an identical body comes again, the processor records it with its decision.
 */

/**
 * Longest entity id we route (bytes). DynamoDB caps a partition key at 2048 bytes; our keys add a prefix
 * (`OP#CARD_TRANSACTION#`), and no P100 id comes near 100 characters. Longer: parked at once (ASSUMPTIONS.md E11).
 */
export const MAX_ENTITY_ID_BYTES = 512;

export const oversized = (id: string | undefined): boolean => id !== undefined && Buffer.byteLength(id, 'utf8') > MAX_ENTITY_ID_BYTES;

/** An id that may become part of a ledger key: it passes the safe-id rule (shared/safe-id.ts, issue 23). */
const routable = (id: string | undefined): id is string => id !== undefined && isSafeId(id);

export type EntityRef = { kind: 'operation'; type: OperationType; id: string } | { kind: 'userFact'; externalUserId: string; fact: string } | { kind: 'none' };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The entity of an event (`none` when it cannot be routed or names nothing to track). */
export function entityRef(def: WebhookDefinition, fields: { entityId?: string; externalUserId?: string; entity: Record<string, unknown> }): EntityRef {
  const target = webhookProcessingOf(def.name).ledger;
  switch (target.kind) {
    case 'operation':
      return routable(fields.entityId) ? { kind: 'operation', type: target.type, id: fields.entityId } : { kind: 'none' };
    case 'userFact': {
      const externalUserId = fields.externalUserId ?? fields.entityId;
      if (!routable(externalUserId)) return { kind: 'none' };
      const suffix = target.factSuffixField ? str(fields.entity[target.factSuffixField]) : undefined;
      if (suffix !== undefined && !routable(suffix)) return { kind: 'none' };
      return { kind: 'userFact', externalUserId, fact: suffix ? `${target.fact}:${suffix}` : target.fact };
    }
    case 'none':
      return { kind: 'none' };
  }
}

/** The entity's state version now (0 when we hold no record), undefined when there is nothing to track. */
export async function entityVersion(ref: EntityRef): Promise<number | undefined> {
  switch (ref.kind) {
    case 'operation':
      return (await getLedgerOperation(ref.type, ref.id))?.version ?? 0;
    case 'userFact':
      return (await getLedgerUser(ref.externalUserId))?.facts?.[ref.fact]?.v ?? 0;
    case 'none':
      return undefined;
  }
}
