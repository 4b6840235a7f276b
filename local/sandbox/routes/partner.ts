import type { Router } from '../http/router.js';
import { Errors } from '../http/errors.js';
import { ok, type Ctx } from '../http/types.js';
import { splitBalances } from '../domain/accounts.js';
import { getUser } from '../domain/user-lifecycle.js';
import { serializeEntry, type HistoryIndex } from '../state/history.js';

/** Partner balances and the two transaction-history endpoints (ASSUMPTIONS A7, A8). */

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;

function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return dflt;
  if (!/^\d+$/.test(raw)) throw Errors.validation(`${name} must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) throw Errors.validation(`${name} must be between ${min} and ${max}`);
  return n;
}

function timeParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw Errors.validation(`${name} must be an ISO 8601 timestamp`);
  return t;
}

function historyPage(ctx: Ctx, index: HistoryIndex): Record<string, unknown> {
  const page = intParam(ctx.query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const pageSize = intParam(ctx.query, 'pageSize', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  const from = timeParam(ctx.query, 'from');
  const to = timeParam(ctx.query, 'to');
  const { items, total } = index.page(from, to, page, pageSize);
  return { transactions: items.map(serializeEntry), page, pageSize, totalItems: total, totalPages: Math.ceil(total / pageSize) };
}

export function registerPartnerRoutes(r: Router): void {
  r.add('GET', '/v1/partner/balances', (ctx) => ok(splitBalances(ctx.sb, ctx.sb.state.partner)));
  r.add('GET', '/v1/partner/transactions', (ctx) => ok(historyPage(ctx, ctx.sb.state.partner.history)));
  r.add('GET', '/v1/user/transactions/{externalUserId}', (ctx) => ok(historyPage(ctx, getUser(ctx.sb, ctx.params['externalUserId']).history)));
}
