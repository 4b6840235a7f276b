import { restView } from '../classification/rules.js';
import { maskSensitiveValues } from '../classification/detect.js';
import type { OperationImpl } from '../http/operation-impl.js';
import { HttpProblem } from '../http/problem.js';
import { fieldDiff } from './diff.js';
import {
  type ExceptionItem,
  type ExceptionState,
  exceptionPages,
  getException,
  type OperatorActionKind,
  operatorActionsOf,
  recordOperatorAction,
  updateException,
} from '../store/exceptions.js';

/**
 * The exception queue's operator routes (issue 26; catalog: shared/catalog/console.ts): list with filters,
 * one exception with its field diff and audit trail, and the operator's changes (acknowledge, resolve,
 * reopen, assign, note). A change writes the exception's state and one audit entry, never the ledger's
 * money: resolving says "handled", it does not make our amount equal to P100's.
 */

/** Exceptions read for one list answer: past it the total is a lower bound ("more than N"). */
export const MAX_LISTED = 5000;

function view(e: ExceptionItem): Record<string, unknown> {
  const { version, ...rest } = e;
  return { ...rest, version, diff: fieldDiff(e.ours, e.theirs) };
}

interface ListQuery {
  state?: ExceptionState | 'active';
  class?: string;
  subject?: string;
  owner?: string;
  limit?: number;
  cursor?: string;
}

/** The opaque cursor is the offset into the sorted, filtered list (a bounded list: no key to resume from). */
function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 0 || n > MAX_LISTED)
    throw new HttpProblem(400, 'validation', 'Request validation failed', 'cursor is not one this API gave', {
      errors: [{ in: 'query', field: 'cursor', message: 'not a cursor this API gave' }],
    });
  return n;
}
const cursorOf = (offset: number) => Buffer.from(String(offset), 'utf8').toString('base64url');

function matches(e: ExceptionItem, q: ListQuery): boolean {
  if (q.state === 'active' ? e.state !== 'open' && e.state !== 'acknowledged' : q.state && e.state !== q.state) return false;
  if (q.class && e.class !== q.class) return false;
  if (q.subject && e.id !== q.subject && e.externalUserId !== q.subject) return false;
  if (q.owner && e.owner !== q.owner) return false;
  return true;
}

/** `GET /operations/exceptions`: newest last-seen first; totals exact up to {@link MAX_LISTED} read. */
export const listExceptionsImpl: OperationImpl = async (input) => {
  const q = input.query as ListQuery;
  const limit = q.limit ?? 25;
  const offset = offsetOf(q.cursor);
  const hits: ExceptionItem[] = [];
  let read = 0;
  let bounded = false;
  for await (const page of exceptionPages()) {
    read += page.length;
    for (const e of page) if (matches(e, q)) hits.push(e);
    if (read >= MAX_LISTED) {
      bounded = true;
      break;
    }
  }
  hits.sort((a, b) => b.lastSeen.localeCompare(a.lastSeen) || a.exceptionId.localeCompare(b.exceptionId));
  const items = hits.slice(offset, offset + limit);
  const byState: Record<string, number> = {};
  for (const e of hits) byState[e.state] = (byState[e.state] ?? 0) + 1;
  return {
    body: restView({
      asOf: new Date().toISOString(),
      items: items.map(view),
      total: hits.length,
      totalIsLowerBound: bounded,
      byState,
      ...(offset + limit < hits.length ? { nextCursor: cursorOf(offset + limit) } : {}),
      ...(offset > 0 ? { prevCursor: cursorOf(Math.max(0, offset - limit)) } : {}),
    }),
  };
};

async function found(exceptionId: string): Promise<ExceptionItem> {
  const e = await getException(exceptionId);
  if (!e) throw new HttpProblem(404, 'not-found', 'Exception not found', `no exception ${exceptionId}`);
  return e;
}

async function auditOf(e: ExceptionItem): Promise<Record<string, unknown>[]> {
  const { items } = await operatorActionsOf(e.id, 500);
  return items.filter((a) => a.ref?.exceptionId === e.exceptionId) as unknown as Record<string, unknown>[];
}

/** `GET /operations/exceptions/{exceptionId}`: the exception, its field diff and its audit trail (oldest first). */
export const getExceptionImpl: OperationImpl = async (input) => {
  const e = await found((input.params as { exceptionId: string }).exceptionId);
  return { body: restView({ ...view(e), audit: await auditOf(e) }) };
};

type Action = 'acknowledge' | 'resolve' | 'reopen' | 'assign' | 'note';

/** Which states each action leaves from, and the state it leads to (undefined: the state stays). */
const TRANSITIONS: Record<Action, { from: readonly ExceptionState[]; to?: ExceptionState }> = {
  acknowledge: { from: ['open'], to: 'acknowledged' },
  resolve: { from: ['open', 'acknowledged'], to: 'resolved' },
  reopen: { from: ['resolved', 'fixed-at-p100'], to: 'open' },
  assign: { from: ['open', 'acknowledged', 'resolved', 'fixed-at-p100'] },
  note: { from: ['open', 'acknowledged', 'resolved', 'fixed-at-p100'] },
};

/** `POST /operations/exceptions/{exceptionId}/actions`: one change by the calling operator, with its note. */
export const changeExceptionImpl: OperationImpl = async (input, ctx) => {
  const { exceptionId } = input.params as { exceptionId: string };
  const body = input.body as { action: Action; note: string; owner?: string; version?: number };
  const e = await found(exceptionId);
  if (body.version !== undefined && body.version !== e.version)
    throw new HttpProblem(
      409,
      'conflict',
      'Exception changed meanwhile',
      `version ${e.version} is current, the change was made on ${body.version}: reload and try again`,
    );
  const rule = TRANSITIONS[body.action];
  if (!rule.from.includes(e.state))
    throw new HttpProblem(
      409,
      'conflict',
      'Not allowed in this state',
      `cannot ${body.action} an exception that is ${e.state} (allowed from: ${rule.from.join(', ')})`,
    );
  if (body.action === 'assign' && !body.owner)
    throw new HttpProblem(400, 'validation', 'Request validation failed', 'assign needs an owner', {
      errors: [{ in: 'body', field: 'owner', message: 'required for assign' }],
    });
  const at = new Date().toISOString();
  // Free text rests masked: an e-mail or IBAN typed into a note is not stored in clear.
  const note = maskSensitiveValues(body.note);
  const owner = body.action === 'assign' ? body.owner : body.action === 'acknowledge' ? (body.owner ?? e.owner ?? ctx.operator) : e.owner;
  const changed = await updateException(e.exceptionId, e.version, {
    ...(rule.to ? { state: rule.to } : {}),
    ...(owner ? { owner } : {}),
    note,
    updatedAt: at,
    updatedBy: ctx.operator,
  });
  if (!changed) throw new HttpProblem(409, 'conflict', 'Exception changed meanwhile', 'another change came first: reload and try again');
  const to = rule.to ?? e.state;
  const action: OperatorActionKind = body.action;
  await recordOperatorAction([e.id, ...(e.externalUserId && e.externalUserId !== e.id ? [e.externalUserId] : [])], {
    at,
    actor: ctx.operator,
    action,
    summary: `${body.action} ${e.class} ${e.type} ${e.id}${rule.to ? ` (${e.state} → ${to})` : ''}${body.action === 'assign' ? ` to ${owner}` : ''}`,
    note,
    ref: { exceptionId: e.exceptionId, from: e.state, to },
  });
  const after = await found(exceptionId);
  return { body: restView({ ...view(after), audit: await auditOf(after) }) };
};
