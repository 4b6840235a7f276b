/**
 * `p100`: the suite from a terminal. Every operation of the catalog (`call`), the sandbox's webhooks with any
 * field (`trigger`), the published events as they happen (`listen`, resumable), and the operator's routine
 * (`reconcile`, `report`, `inbox`, `clock`). Pretty by default, `--json` for scripts; `--stage <name>` runs the
 * same commands against a deployed stack (SigV4 with the default credentials).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { operations } from '../../shared/catalog/index.js';
import type { LocalBusEvent as FeedEvent, LocalFeedPage as Feed } from '../../local/aws/bus.js';
import type { Operation } from '../../shared/catalog/types.js';
import type * as z from 'zod';
import type { Auth } from '../../client/src/auth.js';
import { createClient, type P100Client, type RawInput } from '../../client/src/client.js';
import { AbortError, ConnectionError, DeadlineError, OutcomeUnknownError, ProblemError, ResponseShapeError } from '../../client/src/errors.js';
import { EventParseError, parseEvent } from '../../client/src/events.js';
import { cmdExceptions } from './exceptions-command.js';
import { fixtures } from './fixtures.js';
import { COMMAND_HELP, HELP } from './help.js';
import { feedQueueUrlOf, stageBaseUrl, stageOutputs } from './stage.js';

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const { values: opts, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        'base-url': { type: 'string' },
        stage: { type: 'string' },
        region: { type: 'string' },
        sandbox: { type: 'string' },
        field: { type: 'string', short: 'f', multiple: true },
        body: { type: 'string' },
        'idempotency-key': { type: 'string' },
        omit: { type: 'string', multiple: true },
        envelope: { type: 'string' },
        list: { type: 'boolean' },
        'forward-to': { type: 'string' },
        type: { type: 'string', multiple: true },
        'state-file': { type: 'string' },
        'from-start': { type: 'boolean' },
        'max-events': { type: 'string' },
        wait: { type: 'boolean' },
        timeout: { type: 'string' },
        all: { type: 'boolean' },
        status: { type: 'string' },
        webhook: { type: 'string' },
        limit: { type: 'string' },
        dlq: { type: 'boolean' },
        state: { type: 'string' },
        class: { type: 'string' },
        note: { type: 'string' },
        owner: { type: 'string' },
      },
    });
  } catch (e) {
    // Before the options are known: --json is read from the raw arguments, so a script gets its error object.
    fail(process.argv.includes('--json'), { kind: 'usage', message: `${e instanceof Error ? e.message : String(e)} (p100 --help)`, exitCode: 2 });
    process.exit(2);
  }
})();

const json = opts.json === true;

/** One failure: a line on stderr, and with --json one object on stdout (README "The p100 command", exit codes). */
function fail(asJson: boolean, error: { kind: string; message: string; exitCode: number; [k: string]: unknown }, extraLines = ''): void {
  process.stderr.write(`p100: ${error.message}\n${extraLines}`);
  if (asJson) process.stdout.write(`${JSON.stringify({ error })}\n`);
  process.exitCode = error.exitCode;
}
const sandboxUrl = (opts.sandbox ?? process.env.P100_SANDBOX_URL ?? 'http://127.0.0.1:4010').replace(/\/+$/, '');
const stage = opts.stage ?? process.env.P100_STAGE;

function out(pretty: string, data: unknown): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${pretty}\n`);
}

/** Progress goes to stderr, so `--json` output stays one clean document. */
function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function client(): Promise<P100Client> {
  let baseUrl = opts['base-url'] ?? process.env.P100_BASE_URL;
  let auth: Auth = 'none';
  if (stage) {
    baseUrl = await stageBaseUrl(stage, opts.region);
    auth = opts.region ? { iam: { region: opts.region } } : 'iam';
  }
  // A stack behind the JWT authorizer: the token comes from the environment, never from the command line (shell history).
  const token = process.env.P100_JWT;
  if (token) auth = { jwt: async () => token };
  return createClient({
    baseUrl: baseUrl ?? 'http://127.0.0.1:3000',
    auth,
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.timeout ? { timeout: parseDuration(opts.timeout) } : {}),
    onRetry: (r) =>
      progress(
        `… ${r.operationId}: ${r.reason}, retrying in ${(r.delayMs / 1000).toFixed(1)} s${r.idempotencyKey ? ` (same Idempotency-Key ${r.idempotencyKey})` : ''}`,
      ),
  });
}

function localOnly(what: string): void {
  if (stage) throw new UsageError(`${what} drives the local sandbox; a deployed stack talks to the real P100 (not supported with --stage)`);
}

// --- fields ------------------------------------------------------------------------------------------------

/** `a.b=v` (text) or `a.b:=v` (JSON) into a nested object. */
function parseFields(fields: readonly string[]): Record<string, unknown> {
  const outObj: Record<string, unknown> = {};
  for (const f of fields) {
    const m = /^([^=:]+?)(:?=)(.*)$/s.exec(f);
    if (!m) throw new UsageError(`--field ${f}: expected key=value or key:=json`);
    const [, key = '', op, raw = ''] = m;
    let value: unknown = raw;
    if (op === ':=') {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new UsageError(`--field ${key}:= needs JSON (got ${raw})`);
      }
    }
    const path = key.split('.');
    let node = outObj;
    for (const seg of path.slice(0, -1)) {
      const next = node[seg];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
    node[path[path.length - 1] ?? key] = value;
  }
  return outObj;
}

function shapeKeys(schema: unknown): Set<string> {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return new Set(shape ? Object.keys(shape) : []);
}

/** Splits `--field`s into path, query and body by the operation's route and schemas. */
function inputFor(op: Operation, fields: Record<string, unknown>, body: unknown): RawInput {
  const pathNames = new Set([...op.route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? ''));
  const queryNames = shapeKeys(op.request.query);
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  const rest: Record<string, unknown> = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(fields)) {
    if (pathNames.has(k)) path[k] = v;
    else if (queryNames.has(k)) query[k] = v;
    else if (op.request.body) rest[k] = v;
    else throw new UsageError(`${op.operationId} has no field ${k} (path: ${[...pathNames].join(', ') || '-'}; query: ${[...queryNames].join(', ') || '-'})`);
  }
  return {
    path,
    query,
    ...(op.request.body ? { body: Array.isArray(body) ? body : rest } : {}),
    ...(opts['idempotency-key'] ? { idempotencyKey: opts['idempotency-key'] } : {}),
  };
}

function readBody(file: string | undefined): unknown {
  if (!file) return undefined;
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--body ${file} is not JSON`);
  }
}

// --- commands ----------------------------------------------------------------------------------------------

async function cmdOps(): Promise<void> {
  const rows = operations.map((op) => ({ operationId: op.operationId, method: op.route.method, path: op.route.path, kind: op.kind, area: op.area }));
  out(rows.map((r) => `${r.operationId.padEnd(30)} ${r.method.padEnd(6)} ${r.path.padEnd(55)} ${r.kind}`).join('\n'), rows);
}

async function cmdCall(operationId: string | undefined): Promise<void> {
  if (!operationId) throw new UsageError('call needs an operationId (p100 ops lists them)');
  const op = operations.find((o) => o.operationId === operationId);
  if (!op) throw new UsageError(`unknown operation ${operationId} (p100 ops lists them)`);
  const c = await client();
  const result = await c.call(operationId, inputFor(op, parseFields(opts.field ?? []), readBody(opts.body)));
  out(JSON.stringify(result, null, 2), result);
}

async function sandbox<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${sandboxUrl}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new UsageError(`the sandbox at ${sandboxUrl} does not answer (npm start, or --sandbox URL)`);
  }
  const text = await res.text();
  if (!res.ok) throw new UsageError(`sandbox ${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function cmdTrigger(webhook: string | undefined): Promise<void> {
  localOnly('trigger');
  if (opts.list || !webhook) {
    const t = await sandbox<{ webhooks: Record<string, { path: string; example: unknown }> }>('GET', '/_sandbox/webhooks/templates');
    out(
      Object.entries(t.webhooks)
        .map(([n, w]) => `${n.padEnd(24)} ${w.path.padEnd(36)} ${JSON.stringify(w.example)}`)
        .join('\n'),
      t,
    );
    return;
  }
  if (opts.envelope && opts.envelope !== 'flat' && opts.envelope !== 'wrapped') throw new UsageError('--envelope is flat or wrapped');
  const fields = parseFields(opts.field ?? []);
  // The entity first, for real (fixtures.ts), unless the caller named one: the event then matches P100's state.
  const fixture = fixtures[webhook];
  const made = fixture && fields[fixture.idField] === undefined ? await fixture.create({ client: await client(), sandbox, progress }) : {};
  const sent = await sandbox<{ webhook: string; path: string; body: unknown }>('POST', '/_sandbox/webhooks/trigger', {
    webhook,
    fields: { ...made, ...fields },
    ...(opts.omit?.length ? { omit: opts.omit } : {}),
    ...(opts.envelope ? { envelope: opts.envelope } : {}),
  });
  out(`sent ${sent.webhook} to ${sent.path}\n${JSON.stringify(sent.body, null, 2)}`, sent);
}

/** `1h`, `30m`, `10s`, `2d`, `500ms` → milliseconds. */
function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s.trim());
  if (!m) throw new UsageError(`${s}: a duration is a number and ms, s, m, h or d (1h, 30m)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
}

async function cmdClock(sub: string | undefined, arg: string | undefined): Promise<void> {
  localOnly('clock');
  if (!sub) {
    const c = await sandbox<{ now: string; offsetMs: number }>('GET', '/_sandbox/clock');
    out(`sandbox time ${c.now} (offset ${c.offsetMs} ms)`, c);
    return;
  }
  if (sub !== 'advance' || !arg) throw new UsageError('clock advance <duration>');
  const c = await sandbox<{ now: string; offsetMs: number; settled: number }>('POST', '/_sandbox/clock/advance', { ms: parseDuration(arg) });
  out(`sandbox time ${c.now} (offset ${c.offsetMs} ms; ${c.settled} settlement(s) ran)`, c);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function cmdReconcile(): Promise<void> {
  const c = await client();
  const run = await c.startReconciliation();
  if (!opts.wait) {
    out(`run ${run.runId} ${run.status}${run.alreadyRunning ? ' (already running)' : ''}; p100 report ${run.runId}`, run);
    return;
  }
  progress(`run ${run.runId} started${run.alreadyRunning ? ' (one was already running)' : ''}; waiting for its report`);
  const until = Date.now() + parseDuration(opts.timeout ?? '10m');
  let lastPhase = '';
  for (;;) {
    try {
      const report = await c.getReconciliationReport({ path: { runId: run.runId }, query: { limit: 1 } });
      if (report.phase !== lastPhase) progress(`… ${report.status} (${report.phase})`);
      lastPhase = report.phase;
      if (report.status === 'COMPLETED' || report.status === 'FAILED') {
        out(`run ${report.runId} ${report.status}: ${report.discrepancyCount} discrepancy(ies)\n${countsLine(report.counts)}`, report);
        if (report.status === 'FAILED') process.exitCode = 1;
        return;
      }
    } catch (e) {
      if (!(e instanceof ProblemError && e.status === 404)) throw e;
    }
    if (Date.now() > until) throw new UsageError(`run ${run.runId} did not finish within ${opts.timeout ?? '10m'}`);
    await sleep(500);
  }
}

function countsLine(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `  ${k}: ${n}`)
    .join('\n');
}

async function cmdReport(runId: string | undefined): Promise<void> {
  const c = await client();
  const id = runId ?? 'latest';
  const report = await c.getReconciliationReport({ path: { runId: id } });
  if (opts.all) {
    const discrepancies = [];
    for await (const d of c.paginate.getReconciliationReport({ path: { runId: report.runId } })) discrepancies.push(d);
    report.discrepancies = discrepancies;
    delete report.nextCursor;
  }
  const lines = [
    `run ${report.runId} ${report.status} (${report.trigger}, requested ${report.requestedAt}${report.finishedAt ? `, finished ${report.finishedAt}` : ''})`,
    `window ${report.window.from ?? '…'} → ${report.window.to}`,
    countsLine(report.counts),
    `${report.discrepancyCount} discrepancy(ies)${report.nextCursor ? ` (first ${report.discrepancies.length}; --all for every one)` : ''}`,
    ...report.discrepancies.map((d) => `  ${d.class.padEnd(28)} ${d.type.padEnd(18)} ${d.id}${d.repaired ? ' (repaired)' : ''}${d.note ? ` ${d.note}` : ''}`),
  ];
  out(lines.filter(Boolean).join('\n'), report);
}

async function cmdInbox(sub: string | undefined, arg: string | undefined): Promise<void> {
  const c = await client();
  if (sub === 'list' || sub === undefined) {
    const max = opts.limit ? Number(opts.limit) : 50;
    const items = [];
    const query = { ...(opts.status ? { status: opts.status } : {}), ...(opts.webhook ? { webhook: opts.webhook } : {}) };
    for await (const e of c.paginate.listInboxEvents({ query })) {
      items.push(e);
      if (items.length >= max) break;
    }
    out(
      items
        .map(
          (e) =>
            `${e.eventId}  ${e.state.padEnd(10)} ${e.webhook.padEnd(22)} ${e.entityId ?? ''} ${e.status ?? ''}${e.deadReason ? `  (${e.deadReason})` : ''}`,
        )
        .join('\n') || 'no inbox events',
      items,
    );
    return;
  }
  if (sub !== 'replay') throw new UsageError('inbox list | inbox replay <eventId> | inbox replay --dlq');
  if (opts.dlq) {
    let total = 0;
    const ids: string[] = [];
    for (;;) {
      const r = await c.replayDeadInboxEvents({ body: opts.webhook ? { webhook: opts.webhook } : {} });
      total += r.replayed;
      ids.push(...r.eventIds);
      if (r.replayed > 0) progress(`… replayed ${total} so far`);
      if (!r.more || r.replayed === 0) break;
    }
    out(`replayed ${total} dead letter(s)`, { replayed: total, eventIds: ids });
    return;
  }
  if (!arg) throw new UsageError('inbox replay <eventId> (or --dlq)');
  const r = await c.replayInboxEvent({ path: { eventId: arg } });
  out(`${r.eventId} ${r.state}${r.enqueued ? ' (enqueued)' : ' (nothing to do)'}`, r);
}

// --- listen ------------------------------------------------------------------------------------------------

interface ListenState {
  baseUrl: string;
  stream?: string;
  seq: number;
}

function stateFileFor(baseUrl: string): string {
  return opts['state-file'] ?? join(process.env.P100_STATE_DIR ?? join(homedir(), '.p100'), `listen-${baseUrl.replace(/[^A-Za-z0-9]+/g, '_')}.json`);
}

function loadState(file: string, baseUrl: string): ListenState | undefined {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as ListenState;
    return s.baseUrl === baseUrl && Number.isInteger(s.seq) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Written atomically (rename): a listener killed mid-write resumes from the previous position, never a torn file. */
function saveState(file: string, s: ListenState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(s));
  renameSync(`${file}.tmp`, file);
}

async function forward(url: string, e: FeedEvent): Promise<void> {
  // EventBridge's own envelope, so a consumer's handler runs unchanged on what listen forwards.
  const body = JSON.stringify({
    version: '0',
    id: e.id,
    'detail-type': e.detailType,
    source: e.source,
    time: e.time,
    region: 'local',
    resources: [],
    detail: e.detail,
  });
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.ok) return;
      progress(`… forward to ${url}: HTTP ${res.status}, retrying (attempt ${attempt})`);
    } catch {
      progress(`… forward to ${url} failed, retrying (attempt ${attempt})`);
    }
    // Not skipped: the position is saved only after the event was forwarded.
    await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)));
  }
}

function describe(e: FeedEvent): string {
  try {
    const p = parseEvent(e);
    if (p.detailType === 'p100.reconciliation.discrepancy') return `${e.time}  ${p.detailType}  ${p.detail.class} ${p.detail.type} ${p.detail.id}`;
    const d = p.detail;
    const status = 'status' in d ? ` ${d.status}${d.previousStatus ? ` (was ${d.previousStatus})` : ''}` : '';
    return `${e.time}  ${p.detailType}  ${d.webhook} ${d.entityId}${status}${d.source === 'reconciliation' ? ' [reconciliation]' : ''}`;
  } catch (err) {
    return `${e.time}  ${e.detailType}  (does not match the event table: ${err instanceof EventParseError ? err.message : String(err)})`;
  }
}

async function cmdListen(): Promise<void> {
  if (stage) return listenToStage(stage);
  const baseUrl = (opts['base-url'] ?? process.env.P100_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const file = stateFileFor(baseUrl);
  const types = new Set(opts.type ?? []);
  const max = opts['max-events'] ? Number(opts['max-events']) : Number.POSITIVE_INFINITY;
  let state = loadState(file, baseUrl);
  let shown = 0;
  let down = false;
  // The position is saved after every event, so stopping at any moment loses nothing.
  process.once('SIGINT', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
  if (!json) progress(`listening to ${baseUrl}${state ? ` (resuming after event ${state.seq})` : ''}; Ctrl-C to stop`);
  while (shown < max) {
    let feed: Feed;
    try {
      // First contact without a saved position: only what happens from now on, unless --from-start.
      const after = state?.seq ?? 0;
      const res = await fetch(`${baseUrl}/_local/events?after=${after}&wait=${state ? 10 : 0}`, { signal: AbortSignal.timeout(25_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      feed = (await res.json()) as Feed;
    } catch (e) {
      if (!down) progress(`… the suite at ${baseUrl} does not answer (${e instanceof Error ? e.message : String(e)}); retrying until it is back`);
      down = true;
      await sleep(500);
      continue;
    }
    if (down) progress('… the suite is back');
    down = false;
    if (!state) {
      state = { baseUrl, stream: feed.stream, seq: opts['from-start'] ? 0 : feed.lastSeq };
      saveState(file, state);
      continue;
    }
    if (state.stream !== feed.stream) {
      // A restarted suite: a new feed whose numbers start again at 1. Read it from its start, so nothing
      // published since the restart is missed.
      progress(`… the suite restarted (new event stream); reading it from its first event`);
      state = { baseUrl, stream: feed.stream, seq: 0 };
      saveState(file, state);
      continue;
    }
    if (feed.firstKeptSeq > state.seq + 1)
      progress(`… ${feed.firstKeptSeq - state.seq - 1} event(s) were dropped by the local bus before this listener read them`);
    for (const e of feed.events) {
      if (types.size === 0 || types.has(e.detailType)) {
        if (opts['forward-to']) await forward(opts['forward-to'], e);
        process.stdout.write(json ? `${JSON.stringify({ ...e, stream: feed.stream })}\n` : `${describe(e)}\n`);
        shown++;
      }
      state = { ...state, seq: e.seq };
      saveState(file, state);
      if (shown >= max) break;
    }
  }
}

/** The event as the feed shows it, from an EventBridge event (what the rule puts on the queue). */
function fromEventBridge(body: string): FeedEvent {
  const raw = JSON.parse(body) as { id?: string; time?: string; source?: string; 'detail-type'?: string; detail?: Record<string, unknown> };
  return { seq: 0, id: raw.id ?? '', time: raw.time ?? '', source: raw.source ?? '', detailType: raw['detail-type'] ?? '', detail: raw.detail ?? {} };
}

/**
 * `listen --stage`: drains the stack's developer feed (an SQS queue an EventBridge rule copies every event
 * to; infra/lib/developer-feed.ts). A message is deleted only after it was shown and forwarded, so a listener
 * that stops, or a forward that fails, loses nothing: the queue hands the message out again.
 */
async function listenToStage(name: string): Promise<void> {
  const { stackName, outputs } = await stageOutputs(name, opts.region);
  const queueUrl = feedQueueUrlOf(outputs, stackName);
  const region = opts.region ?? /^https:\/\/sqs\.([a-z0-9-]+)\./.exec(queueUrl)?.[1];
  const { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
  const sqs = new SQSClient(region ? { region } : {});
  const types = new Set(opts.type ?? []);
  const max = opts['max-events'] ? Number(opts['max-events']) : Number.POSITIVE_INFINITY;
  process.once('SIGINT', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
  if (!json) progress(`listening to the developer feed of ${stackName}; Ctrl-C to stop`);
  let shown = 0;
  let down = false;
  try {
    while (shown < max) {
      let messages: { Body?: string | undefined; ReceiptHandle?: string | undefined }[];
      try {
        messages = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }))).Messages ?? [];
      } catch (e) {
        if (!down) progress(`… the developer feed does not answer (${e instanceof Error ? e.message : String(e)}); retrying`);
        down = true;
        await sleep(1000);
        continue;
      }
      down = false;
      for (const m of messages) {
        if (shown >= max) break;
        const e = fromEventBridge(m.Body ?? '{}');
        if (types.size === 0 || types.has(e.detailType)) {
          if (opts['forward-to']) await forward(opts['forward-to'], e);
          process.stdout.write(json ? `${JSON.stringify(e)}\n` : `${describe(e)}\n`);
          shown++;
        }
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  } finally {
    sqs.destroy();
  }
}

// --- main --------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const [cmd, a, b] = positionals;
  if (cmd === 'help' && a) return help(a, b);
  if (opts.help && cmd) return help(cmd, a);
  if (opts.help || !cmd || cmd === 'help') {
    process.stdout.write(HELP);
    return;
  }
  switch (cmd) {
    case 'ops':
      return cmdOps();
    case 'call':
      return cmdCall(a);
    case 'trigger':
      return cmdTrigger(a);
    case 'listen':
      return cmdListen();
    case 'reconcile':
      return cmdReconcile();
    case 'report':
      return cmdReport(a);
    case 'inbox':
      return cmdInbox(a, b);
    case 'clock':
      return cmdClock(a, b);
    case 'exceptions':
      return cmdExceptions(await client(), a, b, opts, out);
    default:
      throw new UsageError(`unknown command ${cmd}`);
  }
}

/** `p100 <command> --help`, and `p100 call <operationId> --help` with the operation's fields from the catalog. */
function help(cmd: string, arg: string | undefined): void {
  if (cmd === 'call' && arg) {
    const op = operations.find((o) => o.operationId === arg);
    if (!op) throw new UsageError(`unknown operation ${arg} (p100 ops lists them)`);
    const doc = operationHelp(op);
    out(doc.text, doc.data);
    return;
  }
  const text = COMMAND_HELP[cmd];
  if (!text) throw new UsageError(`unknown command ${cmd} (p100 --help)`);
  process.stdout.write(`${text}\n`);
}

interface FieldDoc {
  name: string;
  in: 'path' | 'query' | 'body';
  required: boolean;
  type: string;
  description?: string;
}

/** A zod schema's type in a word or two (`string`, `'eur' | 'btc'`, `object`), for help. */
function typeWord(schema: z.ZodType): string {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType; entries?: Record<string, string>; element?: z.ZodType } })
    .def;
  if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'prefault')
    return def.innerType ? typeWord(def.innerType) : def.type;
  if (def.type === 'pipe' && def.in) return typeWord(def.in);
  if (def.type === 'enum' && def.entries) return Object.values(def.entries).join(' | ');
  if (def.type === 'array' && def.element) return `${typeWord(def.element)}[]`;
  return def.type;
}

function fieldsOf(schema: z.ZodType | undefined, where: FieldDoc['in']): FieldDoc[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> } | undefined)?.shape ?? {};
  return Object.entries(shape).map(([name, s]) => ({
    name,
    in: where,
    required: !s.safeParse(undefined).success,
    type: typeWord(s),
    ...(s.description ? { description: s.description } : {}),
  }));
}

function operationHelp(op: Operation): { text: string; data: unknown } {
  const fields = [...fieldsOf(op.request.params, 'path'), ...fieldsOf(op.request.query, 'query'), ...fieldsOf(op.request.body, 'body')];
  const text = [
    `p100 call ${op.operationId}${fields
      .filter((f) => f.required)
      .map((f) => ` -f ${f.name}=…`)
      .join('')}`,
    '',
    `${op.summary}`,
    `${op.route.method} ${op.route.path}  (${op.kind}${op.kind === 'read' ? '' : ': sent with an Idempotency-Key, kept across retries'})`,
    '',
    fields.length ? 'Fields (-f name=value, -f name:=json)' : 'No fields.',
    ...fields.map((f) => `  ${`${f.name}${f.required ? '' : '?'}`.padEnd(28)} ${f.in.padEnd(6)} ${f.type.padEnd(20)} ${f.description ?? ''}`.trimEnd()),
  ].join('\n');
  return { text, data: { operationId: op.operationId, summary: op.summary, method: op.route.method, path: op.route.path, kind: op.kind, fields } };
}

try {
  await main();
} catch (e) {
  if (e instanceof UsageError) {
    fail(json, { kind: 'usage', message: e.message, exitCode: 2 });
  } else if (e instanceof ProblemError) {
    fail(
      json,
      { kind: 'problem', message: e.message, exitCode: 1, slug: e.slug, status: e.status, problem: e.problem },
      e.fieldErrors.map((f) => `  ${f.in}.${f.field}: ${f.message}\n`).join('') + (e.upstreamCode ? `  [P100 ${e.upstreamCode}]\n` : ''),
    );
  } else if (e instanceof OutcomeUnknownError) {
    fail(json, { kind: 'outcome-unknown', message: e.message, exitCode: 3, ledgerRef: e.ledgerRef, idempotencyKey: e.idempotencyKey, problem: e.problem });
  } else if (e instanceof ConnectionError) {
    fail(json, {
      kind: 'connection',
      message: e.message,
      exitCode: 4,
      url: e.url,
      failure: e.failure,
      code: e.code,
      attempts: e.attempts,
      idempotencyKey: e.idempotencyKey,
    });
  } else if (e instanceof DeadlineError || e instanceof AbortError) {
    fail(json, {
      kind: e instanceof DeadlineError ? 'timeout' : 'aborted',
      message: e.message,
      exitCode: 4,
      attempts: e.attempts,
      idempotencyKey: e.idempotencyKey,
    });
  } else if (e instanceof ResponseShapeError) {
    fail(json, { kind: 'response-shape', message: e.message, exitCode: 1, status: e.status });
  } else {
    fail(json, { kind: 'error', message: e instanceof Error ? e.message : String(e), exitCode: 1 });
  }
}
