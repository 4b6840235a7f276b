import type { Route, Router } from './http/router.js';
import type { Reply } from './http/types.js';

/**
 * Drift mode (`/_sandbox/drift`, issue 16): the sandbox stops being faithful in chosen, named ways, so the
 * contract check (`npm run verify-p100`) can be shown to notice each kind of change P100 could make: a path
 * moved, a success status changed, an error code renamed, a response field dropped, renamed, added or retyped,
 * a status value no lifecycle knows, and the same in a webhook. Off (empty) by default and after a reset.
 *
 * Routes are named by their key, `METHOD /template` as `GET /_sandbox/routes` lists them. Field paths are dotted,
 * `[]` stepping into every element of an array: `fiatBalances[].amount`.
 */

export type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

export interface PathMove {
  /** The route that moves (`GET /v1/user/balances/{externalUserId}`): its old path answers 404. */
  route: string;
  /** Its new template (`/v1/user/{externalUserId}/balances`), same method, same parameter names. */
  to: string;
}

export type FieldDrift =
  | { route: string; op: 'drop'; field: string }
  | { route: string; op: 'rename'; field: string; to: string }
  | { route: string; op: 'retype'; field: string; type: JsonType }
  | { route: string; op: 'add'; field: string; value: unknown }
  | { route: string; op: 'set'; field: string; value: unknown };

export interface DriftConfig {
  moves: PathMove[];
  fields: FieldDrift[];
  /** A 2xx answer of the route comes with this status instead. */
  statuses: { route: string; status: number }[];
  /** Every error body with `errorCode: from` says `to` instead. */
  errorCodes: { from: string; to: string }[];
  /** Webhooks to this partner-side path (`/webhook/user/status`) carry this status instead. */
  webhookStatuses: { path: string; status: string }[];
  /**
   * Hostile data (issue 23): raw entries appended, as given, to the `transactions` of the first page of a history
   * route's 2xx answers (any JSON: control characters, numbers for strings, prototype keys), every time it is read.
   */
  historyEntries: { route: string; entries: unknown[] }[];
  /** Hostile data (issue 23): fields set, as given, on the 2xx answer of `route` for one value of path parameter `param`. */
  entityAnswers: { route: string; param: string; value: string; set: Record<string, unknown> }[];
}

export const emptyDrift = (): DriftConfig => ({
  moves: [],
  fields: [],
  statuses: [],
  errorCodes: [],
  webhookStatuses: [],
  historyEntries: [],
  entityAnswers: [],
});

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function retype(v: unknown, type: JsonType): unknown {
  switch (type) {
    case 'string':
      return typeof v === 'string' ? `${v}` : JSON.stringify(v);
    case 'number':
      return typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : 0;
    case 'boolean':
      return true;
    case 'object':
      return { value: v };
    case 'array':
      return [v];
    case 'null':
      return null;
  }
}

/** Applies one field drift at `segments` under `node`, in place (the node is already a copy). */
function applyField(node: unknown, segments: readonly string[], d: FieldDrift): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const isArray = head.endsWith('[]');
  const key = isArray ? head.slice(0, -2) : head;
  if (!isObject(node)) return;
  if (isArray) {
    const arr = node[key];
    if (Array.isArray(arr)) for (const el of arr) applyField(el, rest, d);
    return;
  }
  if (rest.length) {
    applyField(node[key], rest, d);
    return;
  }
  switch (d.op) {
    case 'drop':
      delete node[key];
      return;
    case 'rename':
      if (key in node) {
        node[d.to] = node[key];
        delete node[key];
      }
      return;
    case 'retype':
      if (key in node) node[key] = retype(node[key], d.type);
      return;
    case 'add':
    case 'set':
      node[key] = d.value;
      return;
  }
}

export class DriftRules {
  config: DriftConfig = emptyDrift();

  add(patch: Partial<DriftConfig>): DriftConfig {
    for (const k of Object.keys(this.config) as (keyof DriftConfig)[]) {
      const extra = patch[k];
      if (extra) (this.config[k] as unknown[]).push(...extra);
    }
    return this.config;
  }

  clear(): void {
    this.config = emptyDrift();
  }

  get active(): boolean {
    return Object.values(this.config).some((list) => list.length > 0);
  }

  /** The route was moved away: its old path is served no more. */
  movedAway(route: Route): boolean {
    return this.config.moves.some((m) => m.route === route.key);
  }

  /** The route a moved-to path reaches, with its parameters. */
  matchMoved(method: string, segments: readonly string[], api: Router): { route: Route; params: Record<string, string> } | null {
    for (const m of this.config.moves) {
      const route = api.routes.find((r) => r.key === m.route);
      if (!route || route.method !== method) continue;
      const t = m.to.split('/').filter(Boolean);
      if (t.length !== segments.length) continue;
      if (!t.every((s, i) => s.startsWith('{') || s === segments[i])) continue;
      const params: Record<string, string> = {};
      t.forEach((s, i) => {
        if (s.startsWith('{')) params[s.slice(1, -1)] = segments[i] as string;
      });
      return { route, params };
    }
    return null;
  }

  /** The reply as drifted for this route (a copy; the state is never touched). */
  reply(routeKey: string, reply: Reply, params: Readonly<Record<string, string>> = {}, query?: URLSearchParams): Reply {
    if (!this.active) return reply;
    let out = reply;
    const ok = reply.status >= 200 && reply.status < 300;
    const firstPage = (query?.get('page') ?? '1') === '1';
    const extra = ok && firstPage ? this.config.historyEntries.filter((h) => h.route === routeKey).flatMap((h) => h.entries) : [];
    if (extra.length && isObject(out.body) && Array.isArray(out.body.transactions)) {
      out = { ...out, body: { ...out.body, transactions: [...out.body.transactions, ...structuredClone(extra)] } };
    }
    const answers = ok ? this.config.entityAnswers.filter((a) => a.route === routeKey && params[a.param] === a.value) : [];
    if (answers.length && isObject(out.body)) {
      const body: Json = { ...out.body };
      for (const a of answers)
        for (const [k, v] of Object.entries(a.set)) Object.defineProperty(body, k, { value: v, enumerable: true, writable: true, configurable: true });
      out = { ...out, body };
    }
    const fields = ok ? this.config.fields.filter((f) => f.route === routeKey) : [];
    if (fields.length && reply.body !== undefined) {
      const body = structuredClone(reply.body);
      for (const f of fields) applyField(body, f.field.split('.'), f);
      out = { ...out, body };
    }
    const status = ok ? this.config.statuses.find((s) => s.route === routeKey) : undefined;
    if (status) out = { ...out, status: status.status };
    if (isObject(out.body) && typeof out.body.errorCode === 'string') {
      const code = this.config.errorCodes.find((c) => c.from === (out.body as Json).errorCode);
      if (code) out = { ...out, body: { ...out.body, errorCode: code.to } };
    }
    return out;
  }

  /** A webhook body as drifted for its path. */
  webhook(path: string, body: Json): Json {
    const s = this.config.webhookStatuses.find((w) => w.path === path);
    return s && 'status' in body ? { ...body, status: s.status } : body;
  }
}
