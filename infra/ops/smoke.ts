import { randomUUID } from 'node:crypto';
import { getWebhook, webhookPath } from '../../shared/webhooks/catalog.js';
import { parseDataKey } from '../../shared/secrets/data-key.js';
import { SMOKE_HEADER, smokeMarker } from '../../shared/webhooks/smoke.js';
import { parseWebhookTokenSecret } from '../../shared/webhooks/token.js';
import type { CheckResult } from './report.js';

/**
 * `npm run smoke`: proves in under a minute that a suite (a deployed stage, or `npm start`) is alive end to
 * end. Five steps, each a pass or a fail with the fix (ASSUMPTIONS.md L1-L3):
 *
 * 1. secrets: the API key and the webhook token hold a value that is not the deploy's placeholder, the data
 *    key parses. Values are read into memory, never printed.
 * 2. signed read: `GET /partner/balances` (SigV4 in AWS) reaches P100 through the suite.
 * 3. webhook health: `GET /webhook/health` answers `{"status":"ok"}`.
 * 4. smoke webhook: one `exchange` delivery with the real token and the smoke marker is received, and the
 *    inbox shows it PROCESSED as `{applied: false, reason: "smoke"}` (nothing reaches the ledger or the bus).
 * 5. reconciliation: a run started now (or the one in progress) reaches COMPLETED.
 *
 * Everything it talks to comes through {@link SmokeTarget}, so tests drive it against the local suite and
 * unit tests against stubs; infra/ops/smoke-cli.ts wires the AWS clients.
 */

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** Sends one request to the suite; `signed` requests carry caller credentials (SigV4 in AWS, nothing locally). */
export type SuiteHttp = (req: HttpRequest, opts: { signed: boolean }) => Promise<HttpAnswer>;

export interface SecretReader {
  /** The secret's current value (never printed). */
  value(secretId: string): Promise<string>;
  /** How many versions the secret has (1: still the value the deploy generated); undefined where unknown (locally). */
  versionCount?(secretId: string): Promise<number | undefined>;
}

export interface SmokeTarget {
  /** Base URL of the suite's API (output `ApiUrl`, or the local gateway). */
  apiUrl: string;
  secretIds: { apiKey: string; webhookToken: string; dataKey: string };
  secrets: SecretReader;
  http: SuiteHttp;
  /** Where "fix" texts send the reader for the secret commands: the stage, or `local`. */
  label: string;
}

export interface SmokeOptions {
  /** Bound of each of the two waits (processing, reconciliation; 25 s): the whole run stays under a minute. */
  waitMs?: number;
  pollMs?: number;
  /** The webhook the smoke event goes through (default `exchange`). */
  webhook?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parse(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A short, secret-free description of a problem+json answer. */
function problemOf(a: HttpAnswer): string {
  const p = parse(a.text);
  const upstream = p.upstream as { errorCode?: unknown; errorName?: unknown } | undefined;
  const parts = [`HTTP ${a.status}`, typeof p.title === 'string' ? p.title : typeof p.message === 'string' ? p.message : undefined];
  if (upstream) parts.push(`P100 ${String(upstream.errorCode ?? '')} ${String(upstream.errorName ?? '')}`.trim());
  return parts.filter(Boolean).join(': ');
}

async function checkSecrets(t: SmokeTarget): Promise<{ result: CheckResult; webhookToken?: string; dataKey?: Buffer }> {
  const problems: string[] = [];
  const fixes: string[] = [];
  let webhookToken: string | undefined;
  let dataKey: Buffer | undefined;
  const read = async (id: string, what: string): Promise<string | undefined> => {
    try {
      const v = await t.secrets.value(id);
      if (v.trim() === '') {
        problems.push(`${what} is empty`);
        fixes.push(`aws secretsmanager put-secret-value --secret-id ${id} --secret-string '<${what}>'`);
        return undefined;
      }
      return v;
    } catch (e) {
      problems.push(`${what} (${id}) cannot be read: ${e instanceof Error ? e.name : 'error'}`);
      fixes.push(`your identity needs secretsmanager:GetSecretValue on ${id} (and the stack must be deployed in this region)`);
      return undefined;
    }
  };
  for (const [id, what] of [
    [t.secretIds.apiKey, 'the P100 API key'],
    [t.secretIds.webhookToken, 'the webhook token agreed with P100'],
  ] as const) {
    const v = await read(id, what);
    if (v === undefined) continue;
    const versions = await t.secrets.versionCount?.(id).catch(() => undefined);
    if (versions === 1) {
      problems.push(`${what} is still the placeholder the deploy generated`);
      fixes.push(`aws secretsmanager put-secret-value --secret-id ${id} --secret-string '<${what}>'`);
      continue;
    }
    if (id === t.secretIds.webhookToken) {
      try {
        webhookToken = parseWebhookTokenSecret(v).token;
      } catch (e) {
        problems.push(e instanceof Error ? e.message : 'the webhook token secret does not parse');
        fixes.push(`store the token itself, or {"token","previous","previousValidUntil"}, in ${id}`);
      }
    }
  }
  const dk = await read(t.secretIds.dataKey, 'the data key');
  if (dk !== undefined) {
    try {
      dataKey = parseDataKey(dk).current;
    } catch (e) {
      problems.push(e instanceof Error ? e.message : 'the data key does not parse');
      fixes.push('the data key is generated by the stack: restore its previous version (aws secretsmanager list-secret-version-ids) instead of overwriting it');
    }
  }
  const result: CheckResult = problems.length
    ? { name: 'secrets hold values', ok: false, detail: problems.join('; '), fix: fixes.join('\n') }
    : { name: 'secrets hold values', ok: true, detail: 'API key, webhook token and data key are set (values not shown)' };
  return { result, ...(webhookToken ? { webhookToken } : {}), ...(dataKey ? { dataKey } : {}) };
}

async function checkSignedRead(t: SmokeTarget): Promise<CheckResult> {
  const name = 'signed read reaches P100 (GET /partner/balances)';
  try {
    const a = await t.http({ method: 'GET', url: `${t.apiUrl}/partner/balances`, headers: { accept: 'application/json' } }, { signed: true });
    if (a.status === 200) return { name, ok: true, detail: 'P100 answered through the suite' };
    const detail = problemOf(a);
    if (a.status === 403 || a.status === 401) {
      const fromP100 = Boolean(parse(a.text).upstream);
      return {
        name,
        ok: false,
        detail,
        fix: fromP100
          ? 'P100 refused the API key: put the key P100 issued for this stage into the API key secret'
          : 'the gateway refused your call: attach the CompanyAppPolicyArn output policy to the identity running the smoke test',
      };
    }
    return {
      name,
      ok: false,
      detail,
      fix: "see the function log /aws/lambda/<prefix>-getPartnerBalances; a 502/504 with a timeout: P100 unreachable (with staticEgress, is StaticEgressIp on P100's allow-list?); P100 P401/P403: the API key",
    };
  } catch (e) {
    return {
      name,
      ok: false,
      detail: `no answer: ${e instanceof Error ? e.message : String(e)}`,
      fix: 'check the ApiUrl output (or that `npm start` is running) and your network',
    };
  }
}

async function checkHealth(t: SmokeTarget): Promise<CheckResult> {
  const name = 'webhook health (GET /webhook/health)';
  try {
    const a = await t.http({ method: 'GET', url: `${t.apiUrl}/webhook/health`, headers: {} }, { signed: false });
    if (a.status === 200 && parse(a.text).status === 'ok') return { name, ok: true, detail: 'answers {"status":"ok"}' };
    return {
      name,
      ok: false,
      detail: problemOf(a),
      fix: 'the Webhooks nested stack or the health route is missing: redeploy; see the function log of webhook-health',
    };
  } catch (e) {
    return {
      name,
      ok: false,
      detail: `no answer: ${e instanceof Error ? e.message : String(e)}`,
      fix: 'check the ApiUrl output and that the API is public on /webhook/*',
    };
  }
}

async function checkSmokeWebhook(t: SmokeTarget, token: string | undefined, dataKey: Buffer | undefined, o: Required<SmokeOptions>): Promise<CheckResult> {
  const name = 'smoke webhook received and processed';
  if (!token || !dataKey) return { name, ok: false, detail: 'skipped: needs the webhook token and the data key', fix: 'fix the secrets step first' };
  const def = getWebhook(o.webhook);
  // The route as deployed: a stage with webhookPathOverrides is smoke-tested with the same JSON in WEBHOOK_PATH_OVERRIDES.
  const path = webhookPath(def);
  const id = `smoke-${randomUUID()}`;
  const body = JSON.stringify({ [def.entityIdField]: id, ...(def.statusField ? { [def.statusField]: 'COMPLETED' } : {}), smoke: true });
  let eventId: string;
  try {
    const a = await t.http(
      {
        method: 'POST',
        url: `${t.apiUrl}${path}`,
        headers: { 'content-type': 'application/json', authorization: token, [SMOKE_HEADER]: smokeMarker(dataKey, def.name, body) },
        body,
      },
      { signed: false },
    );
    if (a.status !== 200) {
      const fix =
        a.status === 401
          ? 'the receiver does not accept the token in the secret: the function may cache an older value for up to 5 minutes after a change; retry, or check the secret'
          : `see the function log of the receiver (/aws/lambda/<prefix>-webhook-${def.name})`;
      return { name, ok: false, detail: `delivery answered ${problemOf(a)}`, fix };
    }
    eventId = String(parse(a.text).eventId ?? '');
  } catch (e) {
    return {
      name,
      ok: false,
      detail: `delivery got no answer: ${e instanceof Error ? e.message : String(e)}`,
      fix: `check that ${path} is routed (with webhookPathOverrides, set WEBHOOK_PATH_OVERRIDES to the same JSON)`,
    };
  }
  const end = Date.now() + o.waitMs;
  let last = 'not listed yet';
  while (Date.now() < end) {
    const a = await t
      .http(
        { method: 'GET', url: `${t.apiUrl}/operations/inbox?status=PROCESSED&webhook=${encodeURIComponent(def.name)}&limit=100`, headers: {} },
        { signed: true },
      )
      .catch((e: unknown): HttpAnswer => ({ status: 0, text: JSON.stringify({ message: e instanceof Error ? e.message : String(e) }) }));
    if (a.status === 403 || a.status === 401)
      return {
        name,
        ok: false,
        detail: `received (eventId ${eventId}), but the inbox listing answered ${problemOf(a)}`,
        fix: 'attach the OperatorPolicyArn output policy to the identity running the smoke test',
      };
    if (a.status === 200) {
      const items = (parse(a.text).items as Array<Record<string, unknown>> | undefined) ?? [];
      const item = items.find((i) => i.eventId === eventId);
      const outcome = item?.outcome as { applied?: unknown; reason?: unknown } | undefined;
      if (item && outcome?.reason === 'smoke' && outcome.applied === false)
        return { name, ok: true, detail: `event ${eventId.slice(0, 12)}… processed as a smoke event (nothing applied or published)` };
      if (item)
        return {
          name,
          ok: false,
          detail: `processed, but not as a smoke event: ${JSON.stringify(outcome)}`,
          fix: 'the deployed processor predates smoke events: redeploy',
        };
    } else last = problemOf(a);
    await sleep(o.pollMs);
  }
  return {
    name,
    ok: false,
    detail: `received (eventId ${eventId}) but not processed within ${o.waitMs / 1000} s (${last})`,
    fix: 'see the webhooks dashboard: webhook queue depth and processor errors; GET /operations/inbox?status=DEAD',
  };
}

async function checkReconciliation(t: SmokeTarget, o: Required<SmokeOptions>): Promise<CheckResult> {
  const name = 'reconciliation run completes';
  const a = await t.http({ method: 'POST', url: `${t.apiUrl}/operations/reconciliation/runs`, headers: {} }, { signed: true });
  if (a.status !== 202) {
    const fix =
      a.status === 403
        ? 'attach the OperatorPolicyArn output policy to the identity running the smoke test'
        : 'see the function logs of startReconciliation and reconcile';
    return { name, ok: false, detail: `start answered ${problemOf(a)}`, fix };
  }
  const runId = String(parse(a.text).runId ?? '');
  const end = Date.now() + o.waitMs;
  let status = 'RUNNING';
  while (Date.now() < end) {
    const r = await t.http(
      { method: 'GET', url: `${t.apiUrl}/operations/reconciliation/reports/${encodeURIComponent(runId)}?limit=1`, headers: {} },
      { signed: true },
    );
    const report = parse(r.text);
    status = typeof report.status === 'string' ? report.status : `HTTP ${r.status}`;
    if (status === 'COMPLETED') return { name, ok: true, detail: `run ${runId} completed (${String(report.discrepancyCount ?? 0)} discrepancies)` };
    if (status === 'FAILED')
      return { name, ok: false, detail: `run ${runId} FAILED`, fix: 'see the reconcile function log and docs/runbook.md#reconcileerrors' };
    await sleep(o.pollMs);
  }
  return {
    name,
    ok: false,
    detail: `run ${runId} still ${status} after ${o.waitMs / 1000} s`,
    fix: 'a long first run is normal with much history; check GET /operations/reconciliation/reports/latest later, and the reconciliation dashboard',
  };
}

/** Runs the five steps in order (each runs even when an earlier one failed, so one run shows every problem). */
export async function runSmoke(t: SmokeTarget, options: SmokeOptions = {}): Promise<CheckResult[]> {
  const o: Required<SmokeOptions> = { waitMs: options.waitMs ?? 25_000, pollMs: options.pollMs ?? 500, webhook: options.webhook ?? 'exchange' };
  const secrets = await checkSecrets(t);
  const results = [secrets.result, await checkSignedRead(t), await checkHealth(t)];
  results.push(await checkSmokeWebhook(t, secrets.webhookToken, secrets.dataKey, o));
  try {
    results.push(await checkReconciliation(t, o));
  } catch (e) {
    results.push({
      name: 'reconciliation run completes',
      ok: false,
      detail: `no answer: ${e instanceof Error ? e.message : String(e)}`,
      fix: 'check the ApiUrl output',
    });
  }
  return results;
}
