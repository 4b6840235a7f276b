import { WEBHOOK_FIELDS } from '../classification/index.js';
import { webhooks as webhookCatalog } from '../webhooks/catalog.js';
import { lifecycles } from '../webhooks/lifecycles.js';
import type { Drift, WebhookCheck } from './types.js';

/** One event as the inbox holds it: the webhook name and the entity's JSON (secret fields already sealed away). */
export interface ObservedWebhook {
  webhook: string;
  /** The stored payload (JSON text) or the parsed entity. */
  payload: string | Record<string, unknown>;
  /** Sealed secret fields the payload no longer shows, but P100 sent (the receiver records their names). */
  sealedFields?: readonly string[];
}

/**
 * The passive half of the contract check (issue 16 item 4): fields and statuses P100 actually sent, as stored
 * in the inbox, held against the webhook catalog (shared/webhooks/catalog.ts), the known fields of each webhook
 * (shared/classification WEBHOOK_FIELDS, ASSUMPTIONS §E) and the lifecycle tables. Nothing is called.
 * A field is `unknown` when no known field of that webhook has its name; the status field `missing`; a status
 * outside the webhook's lifecycle an `enum-value`. Field names and statuses only: no values leave the inbox.
 */
export function checkWebhookPayloads(events: Iterable<ObservedWebhook>): WebhookCheck[] {
  const byName = new Map<string, { events: number; drifts: Map<string, Drift> }>();
  for (const w of webhookCatalog) byName.set(w.name, { events: 0, drifts: new Map() });
  for (const e of events) {
    const def = webhookCatalog.find((w) => w.name === e.webhook);
    const slot = byName.get(e.webhook);
    if (!def || !slot) continue;
    slot.events++;
    let entity: Record<string, unknown>;
    try {
      entity = typeof e.payload === 'string' ? (JSON.parse(e.payload) as Record<string, unknown>) : e.payload;
    } catch {
      continue;
    }
    const known = new Set([...(WEBHOOK_FIELDS[def.name] ?? []), def.entityIdField, ...(def.statusField ? [def.statusField] : [])]);
    const add = (d: Drift) => {
      const k = `${d.kind} ${d.field ?? ''} ${d.kind === 'enum-value' ? d.detail : ''}`;
      if (!slot.drifts.has(k)) slot.drifts.set(k, d);
    };
    for (const k of [...Object.keys(entity), ...(e.sealedFields ?? [])]) {
      if (!known.has(k)) add({ kind: 'field-unknown', field: k, detail: `${def.name}.${k}: not a known field of ${def.path} (ASSUMPTIONS §E)` });
    }
    if (def.statusField) {
      const status = entity[def.statusField];
      if (status === undefined || status === null) add({ kind: 'field-missing', field: def.statusField, detail: `${def.name}.${def.statusField}: absent` });
      else if (typeof status !== 'string') add({ kind: 'field-type', field: def.statusField, detail: `${def.name}.${def.statusField}: expected string` });
      else if (def.lifecycle && !lifecycles[def.lifecycle].states.includes(status.toUpperCase())) {
        add({
          kind: 'enum-value',
          field: def.statusField,
          detail: `${def.name}.${def.statusField}: ${JSON.stringify(status)} is outside the ${def.lifecycle} lifecycle (${lifecycles[def.lifecycle].states.join(', ')})`,
        });
      }
    }
  }
  return [...byName.entries()].map(([webhook, s]) => ({
    webhook,
    events: s.events,
    status: s.events === 0 ? 'untested' : s.drifts.size ? 'drift' : 'confirmed',
    drifts: [...s.drifts.values()],
  }));
}
