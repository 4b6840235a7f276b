/**
 * `npm start`: the whole suite on one machine, no AWS account, no Docker. Starts the P100 sandbox, the
 * local AWS stand-ins and the local gateway, wires the sandbox's webhooks to the local receivers, and
 * prints where everything is.
 */
import { startSandbox } from './sandbox/index.js';
import { buildConsole, consoleRoutes } from './console-site.js';
import { startLocalSuite } from './suite.js';

const port = Number(process.env.PORT ?? 3000);
const sandboxPort = Number(process.env.SANDBOX_PORT ?? 4010);
const apiKey = process.env.P100_API_KEY ?? 'sandbox-api-key';
const webhookToken = process.env.WEBHOOK_TOKEN ?? 'sandbox-webhook-token';
const p100BaseUrl = process.env.P100_BASE_URL;

const sandbox = p100BaseUrl ? undefined : await startSandbox({ port: sandboxPort, apiKey, webhookToken, quiet: true });
// The operator console (console/, Vite + Preact) is built at start: its output is never committed.
const site = await buildConsole().catch((e: unknown) => {
  console.error(`operator console not built (${e instanceof Error ? e.message : String(e)}); the API runs without it`);
  return undefined;
});
const suite = await startLocalSuite({
  port,
  p100BaseUrl: p100BaseUrl ?? sandbox!.url,
  apiKey,
  webhookToken,
  extraRoutes: site ? consoleRoutes(site.outDir) : [],
});

if (sandbox) {
  // Deliver the sandbox's webhooks to our receivers through the local gateway, with the real token.
  await fetch(`${sandbox.url}/_sandbox/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ webhookBaseUrl: suite.gateway.url, webhookToken }),
  });
}

// Reconciliation on a short interval (EventBridge Scheduler's stand-in); reports at
// GET /operations/reconciliation/reports/latest.
const reconcileEvery = Number(process.env.RECONCILE_INTERVAL_SECONDS ?? 60);
if (reconcileEvery > 0) suite.reconciliation.schedule(reconcileEvery);

const g = suite.gateway.url;
console.log(`P100 partner suite running locally
  gateway      ${g}   (${suite.gateway.table.routes.length} routes)
  console      ${site ? `${g}/console   (operator console; sign-in bypassed locally)` : 'not built'}
  P100         ${p100BaseUrl ?? `${sandbox!.url}   (sandbox; control routes under /_sandbox/)`}
  dynamodb     ${suite.dynamo.endpoint}   (dynalite, in memory)
  secrets      ${suite.secrets.endpoint}   (Secrets Manager stand-in)
${suite.missing.length ? `  not served yet: ${suite.missing.length} entry files missing\n` : ''}
Try:
  curl -s ${g}/partner/balances
  curl -s -X POST ${g}/users -H 'content-type: application/json' \\
       -d '{"externalUserId":"user-1","citizenship":"PL","email":"jane@example.com","firstName":"Jane","lastName":"Doe"}'
  curl -s ${g}/users/user-1/balances
  curl -s -X POST ${g}/operations/reconciliation/runs    (reconciliation${reconcileEvery > 0 ? `, also every ${reconcileEvery} s` : ''})
  curl -s ${g}/operations/reconciliation/reports/latest
  curl -s ${g}/_local/events          (what would go to EventBridge)
  npx p100 listen                    (the same events as they happen, resumable; npx p100 --help)
  curl -s ${g}/openapi.json           (the whole API, OpenAPI 3.1)
  npm run smoke -- --local ${g} --secrets-endpoint ${suite.secrets.endpoint}    (end-to-end check)
`);

const stop = async () => {
  await suite.close();
  await sandbox?.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
