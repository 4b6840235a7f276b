import { operations } from '../catalog/index.js';
import { restView } from '../classification/rules.js';
import type { OperationImpl } from '../http/operation-impl.js';
import { getIdempotencyRecords, type IdempotencyRecord } from '../idempotency/persistence.js';
import { listInboxEvents, type InboxEvent } from '../store/inbox.js';
import { scanUserOperations, type LedgerOperation, type OperationType } from '../store/ledger.js';
import { getLedgerUser } from '../store/ledger-users.js';
import { getOperations } from '../store/reconciliation-ledger.js';
import { listRunIds, runItems, type DiscrepancyItem } from '../store/reconciliation.js';
import { operatorActionsOf, type OperatorAction } from '../store/exceptions.js';
import { HttpProblem } from '../http/problem.js';

/**
 * `GET /operations/timeline`: everything the suite knows about one subject, in time order. The suite has
 * no per-user index of operations nor a store of published events, so this assembles the picture from
 * what each store keeps, with bounded reads (ASSUMPTIONS.md O3): the ledger scan for a user's operations,
 * the last {@link RUNS_SEARCHED} reconciliation runs, and {@link INBOX_LIMIT} inbox events per entity.
 * Published events are what the inbox marks `published` and what reconciliation repaired (a repair is
 * published as the webhook's event type, ARCHITECTURE.md "Ledger and reconciliation" 4).
 */

export type TimelineKind = 'request' | 'ledger' | 'user' | 'webhook' | 'repair' | 'discrepancy' | 'published' | 'operator';

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  title: string;
  detail?: Record<string, unknown>;
  ref?: Record<string, string>;
}

/** Every ledger operation type: a record so the compiler says when a type is added and not listed here. */
const OPERATION_TYPES: Record<OperationType, true> = {
  EXCHANGE: true,
  CRYPTO_WITHDRAWAL: true,
  CRYPTO_DEPOSIT: true,
  TRANSFER: true,
  P2P_TRANSFER: true,
  SEPA_TRANSFER: true,
  SEPA_DEPOSIT: true,
  CARD: true,
  CARD_TRANSACTION: true,
};
const TYPES = Object.keys(OPERATION_TYPES) as OperationType[];

const RUNS_SEARCHED = 10;
const INBOX_LIMIT = 100;
/** Ledger scan pages read for one user's operations (1 MB each at most). */
const USER_SCAN_PAGES = 20;
/** Operations of a user whose webhook events are looked up. */
const OPS_FOLLOWED = 25;

interface Gathered {
  ops: LedgerOperation[];
  keys: Set<string>;
  ids: Set<string>;
  truncated: boolean;
}

async function opsById(id: string): Promise<LedgerOperation[]> {
  const found = await getOperations(TYPES.map((type) => ({ type, id })));
  return uniqueOps([...found.values()]);
}

function uniqueOps(ops: LedgerOperation[]): LedgerOperation[] {
  return [...new Map(ops.map((o) => [o.pk, o])).values()];
}

async function requestsOf(key: string): Promise<IdempotencyRecord[]> {
  return getIdempotencyRecords(
    operations.filter((op) => op.kind !== 'read').map((op) => op.operationId),
    key,
  );
}

async function inboxOf(ids: Iterable<string>): Promise<{ events: InboxEvent[]; truncated: boolean }> {
  const events = new Map<string, InboxEvent>();
  let truncated = false;
  for (const entityId of ids) {
    const page = await listInboxEvents({ entityId, limit: INBOX_LIMIT });
    for (const e of page.items) events.set(e.eventId, e);
    if (page.cursor) truncated = true;
  }
  return { events: [...events.values()], truncated };
}

async function discrepanciesOf(ids: ReadonlySet<string>): Promise<Array<DiscrepancyItem & { runId: string }>> {
  const { runIds } = await listRunIds(RUNS_SEARCHED);
  const out: Array<DiscrepancyItem & { runId: string }> = [];
  for (const runId of runIds) {
    for await (const page of runItems<DiscrepancyItem>(runId, 'D#', { pageLimit: 500 })) {
      for (const d of page) if (ids.has(d.id)) out.push({ ...d, runId });
    }
  }
  return out;
}

type Subject = { subject: 'user' | 'operation' | 'idempotency-key' | 'operator'; id: string };

async function gather(subject: Subject): Promise<Gathered & { requests: IdempotencyRecord[] }> {
  switch (subject.subject) {
    case 'operator':
      // What one operator did: their actions only (read below), no ledger subject of their own.
      return { ops: [], keys: new Set(), ids: new Set(), truncated: false, requests: [] };
    case 'user': {
      const { items: ops, truncated } = await scanUserOperations(subject.id, USER_SCAN_PAGES);
      const keys = new Set(ops.flatMap((o) => (o.idempotencyKey ? [o.idempotencyKey] : [])));
      const requests = (await Promise.all([...keys].map(requestsOf))).flat();
      return { ops, keys, ids: new Set([subject.id, ...ops.map((o) => o.id)]), truncated, requests };
    }
    case 'operation': {
      const ops = await opsById(subject.id);
      const keys = new Set(ops.flatMap((o) => (o.idempotencyKey ? [o.idempotencyKey] : [])));
      if (subject.id.startsWith('unknown:')) keys.add(subject.id.slice('unknown:'.length));
      const requests = (await Promise.all([...keys].map(requestsOf))).flat();
      return { ops, keys, ids: new Set([subject.id, ...ops.map((o) => o.id)]), truncated: false, requests };
    }
    case 'idempotency-key': {
      const requests = await requestsOf(subject.id);
      const refs = requests.flatMap((r) =>
        r.ledgerRef && r.ledgerRef.type in OPERATION_TYPES ? [{ type: r.ledgerRef.type as OperationType, id: r.ledgerRef.id }] : [],
      );
      const found = await getOperations([...refs, ...TYPES.map((type) => ({ type, id: `unknown:${subject.id}` }))]);
      const ops = uniqueOps([...found.values()]);
      return { ops, keys: new Set([subject.id]), ids: new Set([`unknown:${subject.id}`, ...ops.map((o) => o.id)]), truncated: false, requests };
    }
  }
}

export function requestEntries(r: IdempotencyRecord): TimelineEntry[] {
  const ref = { operationId: r.operationId, idempotencyKey: r.idempotencyKey, ...(r.ledgerRef ? { operation: `${r.ledgerRef.type}:${r.ledgerRef.id}` } : {}) };
  const entries: TimelineEntry[] = [{ at: r.createdAt, kind: 'request', title: `${r.operationId} requested (Idempotency-Key ${r.idempotencyKey})`, ref }];
  if (r.status === 'COMPLETED')
    entries.push({
      at: r.updatedAt,
      kind: 'request',
      title: `${r.operationId} answered${r.response ? ` ${r.response.statusCode}` : ''} (${r.outcome ?? 'no outcome'})`,
      detail: { outcome: r.outcome, statusCode: r.response?.statusCode },
      ref,
    });
  return entries;
}

export function ledgerEntries(o: LedgerOperation): TimelineEntry[] {
  const ref = { operation: `${o.type}:${o.id}` };
  return o.history.map((h) => ({
    at: h.at,
    kind: 'ledger' as const,
    title: `${o.type} ${o.id}: ${h.status}${h.applied ? '' : ' (not applied)'}`,
    detail: {
      source: h.source,
      ...(h.note ? { note: h.note } : {}),
      ...(o.amount ? { amount: o.amount } : {}),
      ...(o.currency ? { currency: o.currency } : {}),
      ...(o.externalUserId ? { externalUserId: o.externalUserId } : {}),
    },
    ref,
  }));
}

export function webhookEntries(e: InboxEvent): TimelineEntry[] {
  const ref = { eventId: e.eventId };
  const entries: TimelineEntry[] = [
    {
      at: e.receivedAt,
      kind: 'webhook',
      title: `${e.webhook}${e.status ? ` ${e.status}` : ''} received`,
      detail: {
        state: e.state,
        deliveries: e.deliveries,
        ...(e.entityId ? { entityId: e.entityId } : {}),
        ...(e.deadReason ? { deadReason: e.deadReason } : {}),
      },
      ref,
    },
  ];
  if (e.outcome)
    entries.push({
      at: e.outcome.at,
      kind: 'webhook',
      title: e.outcome.applied ? `${e.webhook} applied` : `${e.webhook} not applied: ${e.outcome.reason ?? 'no reason'}`,
      ref,
    });
  if (e.published) entries.push({ at: e.processedAt ?? e.outcome?.at ?? e.receivedAt, kind: 'published', title: `${e.webhook} event published`, ref });
  return entries;
}

/** A discrepancy a run found: `repair` only when the run repaired it; otherwise `discrepancy` (issue 26: nothing was repaired). */
export function repairEntries(d: DiscrepancyItem & { runId: string }): TimelineEntry[] {
  const ref = { runId: d.runId };
  const entries: TimelineEntry[] = [
    {
      at: d.at,
      kind: d.repaired ? 'repair' : 'discrepancy',
      title: d.repaired ? `reconciliation repaired ${d.class} ${d.type} ${d.id}` : `reconciliation found ${d.class} ${d.type} ${d.id}, not repaired`,
      detail: { ours: d.ours, theirs: d.theirs, ...(d.note ? { note: d.note } : {}) },
      ref,
    },
  ];
  if (d.repaired) entries.push({ at: d.at, kind: 'published', title: `${d.type} ${d.id} published by reconciliation`, ref });
  return entries;
}

/** An operator's action (replay, acknowledge, resolve, start a run; reconciliation's own changes to an exception), with who. */
export function operatorEntry(a: OperatorAction): TimelineEntry {
  return {
    at: a.at,
    kind: 'operator',
    title: `${a.actor}: ${a.summary}`,
    detail: { actor: a.actor, action: a.action, ...(a.note ? { note: a.note } : {}) },
    ...(a.ref ? { ref: a.ref } : {}),
  };
}

async function actionsOf(subjects: readonly string[]): Promise<{ actions: OperatorAction[]; truncated: boolean }> {
  const pages = await Promise.all(subjects.map((s) => operatorActionsOf(s)));
  // One action is recorded under each of its subjects: the same action once here (same time, actor, summary).
  const unique = new Map(pages.flatMap((p) => p.items).map((a) => [`${a.at}|${a.actor}|${a.action}|${a.summary}`, a]));
  return { actions: [...unique.values()], truncated: pages.some((p) => p.truncated) };
}

const DEFAULT_PAGE = 100;

function pageOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 0)
    throw new HttpProblem(400, 'validation', 'Request validation failed', 'cursor is not one this API gave', {
      errors: [{ in: 'query', field: 'cursor', message: 'not a cursor this API gave' }],
    });
  return n;
}
const cursorAt = (offset: number) => Buffer.from(String(offset), 'utf8').toString('base64url');

export const getTimelineImpl: OperationImpl = async (input) => {
  const subject = input.params as Subject;
  const q = (input.query ?? {}) as { limit?: number; cursor?: string };
  const g = await gather(subject);
  const inboxIds = [...g.ids].slice(0, OPS_FOLLOWED + 1);
  const [inbox, repairs, user, operator] = await Promise.all([
    inboxOf(inboxIds),
    discrepanciesOf(g.ids),
    subject.subject === 'user' ? getLedgerUser(subject.id) : Promise.resolve(undefined),
    actionsOf(subject.subject === 'operator' ? [`BY#${subject.id}`] : inboxIds),
  ]);
  const userEntries: TimelineEntry[] = user
    ? [
        { at: user.createdAt, kind: 'user', title: `user ${user.externalUserId} recorded${user.model ? ` (${user.model})` : ''}` },
        ...Object.entries(user.facts).map(([fact, f]) => ({
          at: f.at,
          kind: 'user' as const,
          title: `${fact} = ${String(f.value)}`,
          detail: { source: f.source },
        })),
      ]
    : [];
  const entries = [
    ...g.requests.flatMap(requestEntries),
    ...g.ops.flatMap(ledgerEntries),
    ...userEntries,
    ...inbox.events.flatMap(webhookEntries),
    ...repairs.flatMap(repairEntries),
    ...operator.actions.map(operatorEntry),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const truncated = g.truncated || inbox.truncated || operator.truncated || g.ids.size > inboxIds.length;
  const limit = q.limit ?? DEFAULT_PAGE;
  const offset = Math.min(pageOf(q.cursor), Math.max(0, entries.length - 1));
  return {
    body: restView({
      subject: { kind: subject.subject, id: subject.id },
      entries: entries.slice(offset, offset + limit),
      total: entries.length,
      offset,
      ...(offset + limit < entries.length ? { nextCursor: cursorAt(offset + limit) } : {}),
      ...(offset > 0 ? { prevCursor: cursorAt(Math.max(0, offset - limit)) } : {}),
      truncated,
    }),
  };
};
