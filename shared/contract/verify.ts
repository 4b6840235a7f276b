import { createHash, randomUUID } from 'node:crypto';
import { operations as catalogOperations } from '../catalog/index.js';
import type { HttpMethod, Operation } from '../catalog/types.js';
import { ENV } from '../config/env.js';
import { parseOverrides } from '../p100/upstream.js';
import { restView } from '../classification/index.js';
import { ALTERNATIVE_PATHS, allowedStatusValues, expectedSuccessStatus, type ErrorProbe, type Expectation } from './expectations.js';
import { buildReport } from './report.js';
import { requestLine, upstreamRequestOf, type ProbeRequest, type RequestInput } from './request.js';
import { checkStrict } from './schema-walk.js';
import type { ProbeAnswer, Transport } from './transport.js';
import type { ContractReport, Drift, OperationResult, SuggestedOverrides, WebhookCheck } from './types.js';
import { readOnlySteps, writeSteps, type PlanContext } from './plan.js';
import { BudgetExceededError, withinBudget } from '../budget.js';

export interface VerifyOptions {
  baseUrl: string;
  transport: Transport;
  /** `read-only` (default): no call that changes anything at P100. `writes`: also the test user's steps. */
  mode?: 'read-only' | 'writes';
  /** The catalog (default: shared/catalog). */
  operations?: readonly Operation[];
  /** `P100_UPSTREAM_OVERRIDES` as deployed (default: this process's environment): the run checks the paths in use. */
  overrides?: string;
  /** externalUserId of the dedicated test user of `--writes` (default: derived from the base URL, see {@link testUserIdFor}). */
  testUserId?: string;
  /** Webhook checks of the inbox to include (./webhooks.ts). */
  webhooks?: WebhookCheck[];
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** How long `--writes` waits for the test user to become ACTIVE (default 60 s). */
  activationTimeoutMs?: number;
  /**
   * Time budget of one check (an operation's calls, alternative paths included; default 60 s, issue 23): past
   * it the check is given up with the reason in the operation's result, and the run goes on with the next.
   */
  itemBudgetMs?: number;
}

/** Default budget of one check: the transport's 10 s per request, a few 429 waits of up to 10 s, alternatives. */
export const CONTRACT_ITEM_BUDGET_MS = 60_000;

/** The run could not judge anything: P100 refused our credentials (401). Exit code 2. */
export class ContractRunError extends Error {
  override readonly name = 'ContractRunError';
}

/**
 * The stable externalUserId of a base URL's test user: `p100-contract-` and 12 hex digits of the URL's SHA-256.
 * Stable, so a re-run finds the user it created (P411) instead of creating another; prefixed, so no company app's
 * user can be it (company ids are theirs to choose; document the prefix as reserved).
 */
export function testUserIdFor(baseUrl: string): string {
  return `p100-contract-${createHash('sha256').update(baseUrl.replace(/\/+$/, '')).digest('hex').slice(0, 12)}`;
}

const hasErrorCode = (body: unknown): body is { errorCode: string; errorName?: unknown } =>
  typeof body === 'object' && body !== null && typeof (body as { errorCode?: unknown }).errorCode === 'string';

/** 404/405 without a P100 error body: nothing is served at this path (ASSUMPTIONS F14), not "no such entity". */
const isRouteMiss = (a: ProbeAnswer) => (a.status === 404 || a.status === 405) && !hasErrorCode(a.body);

function assumptionIds(op: Operation): string[] {
  return (op.upstream?.assumption ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One operation's checks so far (an operation may be called more than once: an error probe, then a read). */
interface Tally {
  op: Operation;
  drifts: Drift[];
  confirmed: number;
  reasons: string[];
  requests: string[];
  assumptions: Set<string>;
  /** Assumption ids that drifted, by this operation's checks. */
  driftedAssumptions: Set<string>;
  confirmedAssumptions: Set<string>;
}

/**
 * One contract run (issue 16): walks the plan (./plan.ts), holds every answer against the catalog and
 * ASSUMPTIONS, and returns the report. Never throws for what P100 answers; throws {@link ContractRunError}
 * only when nothing can be judged (credentials refused).
 */
export async function verifyContract(o: VerifyOptions): Promise<ContractReport> {
  const now = o.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const ops = o.operations ?? catalogOperations;
  const byId = new Map(ops.map((op) => [op.operationId, op]));
  const overrides = parseOverrides(o.overrides ?? process.env[ENV.upstreamOverrides]);
  const tallies = new Map<string, Tally>();
  const suggested: SuggestedOverrides = {};
  const leftBehind: string[] = [];
  const mode = o.mode ?? 'read-only';

  const tally = (op: Operation): Tally => {
    let t = tallies.get(op.operationId);
    if (!t) {
      t = {
        op,
        drifts: [],
        confirmed: 0,
        reasons: [],
        requests: [],
        assumptions: new Set(assumptionIds(op)),
        driftedAssumptions: new Set(),
        confirmedAssumptions: new Set(),
      };
      tallies.set(op.operationId, t);
    }
    return t;
  };

  /** The call in use: a moved path this run found, else the deployed override, else the catalog's. */
  const callOf = (op: Operation, up: { method: HttpMethod; path: string }) => {
    const over = overrides[op.operationId];
    return suggested[op.operationId] ?? { method: over?.method ?? up.method, path: over?.path ?? up.path };
  };

  /**
   * One check within its budget: an overrun is recorded as the operation's reason (`over budget`) and the
   * plan goes on as if the path had not answered.
   */
  const itemBudgetMs = o.itemBudgetMs ?? CONTRACT_ITEM_BUDGET_MS;
  const budgeted =
    <A extends unknown[]>(operationId: string, fn: (...args: A) => Promise<ProbeAnswer | undefined>) =>
    async (...args: A): Promise<ProbeAnswer | undefined> => {
      try {
        return await withinBudget(itemBudgetMs, `contract check of ${operationId}`, () => fn(...args));
      } catch (e) {
        if (!(e instanceof BudgetExceededError)) throw e;
        const op = byId.get(operationId);
        if (op) tally(op).reasons.push(`over budget: no judgement within ${itemBudgetMs} ms`);
        return undefined;
      }
    };

  /** Calls one operation and judges the answer; returns the answer when the path was served (for the plan's next steps). */
  const checkOnce = async (operationId: string, input: RequestInput, expect: Expectation, purpose: string): Promise<ProbeAnswer | undefined> => {
    const op = byId.get(operationId);
    if (!op?.upstream) return undefined;
    const t = tally(op);
    // Once a moved path was found, later calls of the operation go there: the drift is reported once.
    const call = callOf(op, op.upstream);
    let req: ProbeRequest = upstreamRequestOf(op, call, input);
    let ans = await o.transport(req);
    t.requests.push(`${requestLine(req)} -> ${ans.status} (${purpose})`);
    if (ans.status === 401)
      throw new ContractRunError(
        `P100 refused the API key (${typeof ans.body === 'string' ? ans.body : '401'}): check P100_API_KEY / --secret-id and, for production, the egress IP (xo3)`,
      );
    const pathIds = assumptionIds(op).slice(0, 1);

    if (isRouteMiss(ans)) {
      const missed = `${requestLine(req)} -> ${ans.status} without a P100 error code: nothing is served there`;
      let found: { method: HttpMethod; path: string; source: string; status: number } | undefined;
      const tried: string[] = [];
      for (const alt of ALTERNATIVE_PATHS[op.operationId] ?? []) {
        const altCall = { method: alt.method ?? call.method, path: alt.path };
        const altReq = upstreamRequestOf(op, altCall, input);
        const altAns = await o.transport(altReq);
        t.requests.push(`${requestLine(altReq)} -> ${altAns.status} (alternative path)`);
        tried.push(`${altCall.method} ${alt.path} -> ${altAns.status}`);
        if (!isRouteMiss(altAns) && altAns.status !== 401) {
          found = { ...altCall, source: alt.source, status: altAns.status };
          req = altReq;
          ans = altAns;
          break;
        }
      }
      for (const id of pathIds) t.driftedAssumptions.add(id);
      if (found) {
        suggested[op.operationId] = { method: found.method, path: found.path };
        t.drifts.push({
          kind: 'path',
          detail: `${missed}; ${found.method} ${found.path} (${found.source}) answers ${found.status}: set P100_UPSTREAM_OVERRIDES ${JSON.stringify({ [op.operationId]: { method: found.method, path: found.path } })}`,
          evidence: missed,
        });
      } else {
        t.drifts.push({
          kind: 'path',
          detail: `${missed}; ${tried.length ? `alternatives of the reference tried: ${tried.join(', ')}` : 'the reference names no alternative path'}`,
          evidence: missed,
        });
        return undefined;
      }
    } else {
      for (const id of pathIds) t.confirmedAssumptions.add(id);
    }

    const evidence = `${requestLine(req)} -> ${ans.status}`;
    const before = t.drifts.length;
    const judged = judge(op, ans, expect, evidence, t);
    if (judged === 'untested') return ans;
    // Which assumption each aspect of the answer bears on: the status and error code on F1 / the code's row,
    // the body on the operation's response assumptions (all but the path id, or the one id that covers both).
    const probe = 'error' in expect ? expect.error : judged === 'also' ? expect.alsoAccept : undefined;
    const all = assumptionIds(op);
    const bodyIds = all.length > 1 ? all.slice(1) : all;
    const idsOf = (kind: Drift['kind']): string[] =>
      kind === 'status' || kind === 'error-code' ? [probe ? probe.assumption : 'F1'] : kind === 'path' ? pathIds : bodyIds;
    const checked = new Set(probe ? [probe.assumption] : ['F1', ...bodyIds]);
    const drifted = new Set(t.drifts.slice(before).flatMap((d) => idsOf(d.kind)));
    for (const id of checked) {
      t.assumptions.add(id);
      (drifted.has(id) ? t.driftedAssumptions : t.confirmedAssumptions).add(id);
    }
    if (t.drifts.length === before) t.confirmed++;
    return ans;
  };

  const check = (operationId: string, input: RequestInput, expect: Expectation, purpose: string) =>
    budgeted(operationId, checkOnce)(operationId, input, expect, purpose);

  const peekOnce = async (operationId: string, input: RequestInput, purpose: string): Promise<ProbeAnswer | undefined> => {
    const op = byId.get(operationId);
    if (!op?.upstream) return undefined;
    const req = upstreamRequestOf(op, callOf(op, op.upstream), input);
    const ans = await o.transport(req);
    tally(op).requests.push(`${requestLine(req)} -> ${ans.status} (${purpose})`);
    return ans;
  };

  const peek = (operationId: string, input: RequestInput, purpose: string) => budgeted(operationId, peekOnce)(operationId, input, purpose);

  const ctx: PlanContext = {
    check,
    peek,
    absentUserId: `p100-contract-absent-${randomUUID().slice(0, 8)}`,
    absentId: randomUUID(),
    testUserId: o.testUserId ?? testUserIdFor(o.baseUrl),
    leftBehind,
    sleep: o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    activationTimeoutMs: o.activationTimeoutMs ?? 60_000,
  };
  await readOnlySteps(ctx);
  if (mode === 'writes') await writeSteps(ctx);

  const results: OperationResult[] = ops.map((op) => resultOf(op, tallies.get(op.operationId), mode));
  const assumptionEvidence = [...tallies.values()];
  return buildReport({
    baseUrl: o.baseUrl,
    startedAt,
    finishedAt: now().toISOString(),
    mode,
    operations: results,
    tallies: assumptionEvidence.map((t) => ({
      operationId: t.op.operationId,
      assumptions: [...t.assumptions],
      drifted: [...t.driftedAssumptions],
      confirmed: [...t.confirmedAssumptions],
    })),
    untestedAssumptions: ops.filter((op) => !tallies.has(op.operationId)).flatMap((op) => assumptionIds(op).map((id) => ({ id, operationId: op.operationId }))),
    suggestedOverrides: suggested,
    ...(o.webhooks ? { webhooks: o.webhooks } : {}),
    ...(mode === 'writes' ? { leftBehind } : {}),
  });
}

/** Holds one served answer against the expectation; pushes drifts onto the tally. */
function judge(op: Operation, ans: ProbeAnswer, expect: Expectation, evidence: string, t: Tally): 'judged' | 'also' | 'untested' {
  const code = hasErrorCode(ans.body) ? ans.body.errorCode : undefined;
  if ('error' in expect) return judgeError(expect.error, ans, code, evidence, t) ? 'judged' : 'untested';
  if (ans.status >= 200 && ans.status < 300) {
    const want = expectedSuccessStatus(op.operationId);
    if (ans.status !== want) t.drifts.push({ kind: 'status', detail: `${evidence}: expected ${want} (ASSUMPTIONS F1)`, evidence });
    for (const d of checkStrict(op.response, ans.body, { allowedValues: allowedStatusValues(op.operationId) })) t.drifts.push({ ...d, evidence });
    return 'judged';
  }
  if (expect.alsoAccept && code === expect.alsoAccept.errorCode) return judgeError(expect.alsoAccept, ans, code, evidence, t) ? 'also' : 'untested';
  // P100 refused a call we expected to succeed (a state of the test user, funds): nothing to hold against the catalog.
  t.reasons.push(
    code
      ? `P100 refused: ${code}${typeof (ans.body as { errorName?: unknown }).errorName === 'string' ? ` ${(ans.body as { errorName: string }).errorName}` : ''} (${evidence})`
      : `unexpected answer ${evidence}`,
  );
  return 'untested';
}

function judgeError(want: ErrorProbe, ans: ProbeAnswer, code: string | undefined, evidence: string, t: Tally): boolean {
  if (ans.status >= 500) {
    t.reasons.push(`P100 failed (${evidence})`);
    return false;
  }
  if (code !== want.errorCode) {
    const got = code ? code : ans.status < 300 ? `a ${ans.status} success` : 'no errorCode';
    t.drifts.push({ kind: 'error-code', detail: `${evidence}: expected ${want.errorCode} (ASSUMPTIONS §D), got ${got}`, evidence });
  } else if (ans.status !== want.httpStatus) {
    t.drifts.push({ kind: 'status', detail: `${evidence}: ${want.errorCode} expected with HTTP ${want.httpStatus} (ASSUMPTIONS §D)`, evidence });
  }
  return true;
}

function resultOf(op: Operation, t: Tally | undefined, mode: 'read-only' | 'writes'): OperationResult {
  if (!op.upstream) return { operationId: op.operationId, status: 'untested', drifts: [], reason: 'served by the suite itself: no P100 call' };
  if (!t || (t.drifts.length === 0 && t.confirmed === 0)) {
    const reason =
      t?.reasons.join('; ') ||
      (op.kind === 'read'
        ? 'needs an entity of the test user that this run does not create'
        : mode === 'read-only'
          ? `a ${op.kind} operation: run with --writes (never against production)`
          : 'not in the --writes plan: it needs a KYC-verified test user (identity documents) or moves money beyond the one smallest test transfer');
    return { operationId: op.operationId, status: 'untested', drifts: [], reason, ...(t ? { requests: t.requests, assumptions: [...t.assumptions] } : {}) };
  }
  const drifts = t.drifts.map((d) => ({ ...d, detail: String(restView(d.detail)) }));
  return {
    operationId: op.operationId,
    status: drifts.length ? 'drift' : 'confirmed',
    drifts,
    requests: t.requests,
    assumptions: [...t.assumptions],
    ...(t.reasons.length ? { reason: t.reasons.join('; ') } : {}),
  };
}
