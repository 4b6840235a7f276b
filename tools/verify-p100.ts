/**
 * `npm run verify-p100 -- --base-url <url> [--writes] [--report out.json]` (issue 16): walks the catalog against
 * a P100 base URL and prints the contract report as Markdown. Exit codes: 0 nothing drifted, 1 something did,
 * 2 the run could not start (arguments, API key, P100 unreachable or refusing the key, --writes on production).
 * README "Verifying the P100 contract" explains a first run against staging.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  ContractRunError,
  ContractTransportError,
  exitCodeOf,
  httpTransport,
  isProductionBaseUrl,
  renderMarkdown,
  testUserIdFor,
  verifyContract,
} from '../shared/contract/index.js';
import { apiKeyFromSecret } from '../shared/secrets/index.js';

const HELP = `Usage: npm run verify-p100 -- --base-url <url> [options]

Checks every catalog operation against a P100 base URL and reports, per operation and per
ASSUMPTIONS.md id: confirmed, drift (with evidence and a proposed override) or untested.

Options:
  --base-url <url>       P100 base URL (staging: https://partner-api-stage.p100.io); or P100_BASE_URL
  --secret-id <id>       read the API key from this Secrets Manager secret (else P100_API_KEY)
  --writes               also create the dedicated test user, an exchange lock and one smallest
                         transfer (idempotent on re-run); refused for production
  --test-user-id <id>    externalUserId of the test user (default: p100-contract-<hash of base URL>)
  --report <file>        write the JSON report there
  --json                 print the JSON report instead of Markdown
  -h, --help             this text

Exit codes: 0 no drift, 1 drift found, 2 the run could not start.
Production is partner-api.p100.io and any host in P100_PRODUCTION_HOSTS (comma-separated).`;

async function apiKeyFrom(secretId: string | undefined): Promise<string | undefined> {
  if (!secretId) return process.env.P100_API_KEY || undefined;
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
  // The stack's secret holds the plain key or JSON `{"apiKey": "..."}` (README "Configuration"): read it as the functions do.
  return out.SecretString ? apiKeyFromSecret(out.SecretString) || undefined : undefined;
}

function fail(message: string): never {
  process.stderr.write(`verify-p100: ${message}\n`);
  process.exit(2);
}

function parse() {
  return parseArgs({
    options: {
      'base-url': { type: 'string' },
      'secret-id': { type: 'string' },
      writes: { type: 'boolean', default: false },
      'test-user-id': { type: 'string' },
      report: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
  }
  const v = args.values;
  if (v.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const baseUrl = (v['base-url'] ?? process.env.P100_BASE_URL ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) fail(`--base-url must be an http(s) URL\n\n${HELP}`);
  // Writes on production would create a user and move money in the company's live account: never.
  if (v.writes && isProductionBaseUrl(baseUrl)) fail(`--writes is refused for production (${baseUrl}); run it against staging`);
  let apiKey: string | undefined;
  try {
    apiKey = await apiKeyFrom(v['secret-id']);
  } catch (err) {
    fail(`could not read secret ${v['secret-id']}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!apiKey) fail('no API key: set P100_API_KEY or pass --secret-id');

  try {
    const report = await verifyContract({
      baseUrl,
      transport: httpTransport({ baseUrl, apiKey }),
      mode: v.writes ? 'writes' : 'read-only',
      testUserId: v['test-user-id'] ?? testUserIdFor(baseUrl),
    });
    if (v.report) await writeFile(v.report, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(v.json ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report));
    process.exitCode = exitCodeOf(report);
  } catch (err) {
    if (err instanceof ContractRunError || err instanceof ContractTransportError) fail(err.message);
    throw err;
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
