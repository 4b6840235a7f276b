import { startSandbox } from './index.js';

/**
 * `npm run sandbox`: the P100 sandbox as a standalone process. Configuration from the environment;
 * secrets are read, never printed.
 */
const port = Number(process.env['SANDBOX_PORT'] ?? 4010);
const seedRaw = process.env['SANDBOX_SEED'];

const running = await startSandbox({
  port,
  host: process.env['SANDBOX_HOST'] ?? '127.0.0.1',
  apiKey: process.env['P100_API_KEY'] ?? 'sandbox-api-key',
  webhookToken: process.env['SANDBOX_WEBHOOK_TOKEN'] ?? 'sandbox-webhook-token',
  ...(process.env['SANDBOX_WEBHOOK_BASE_URL'] ? { webhookBaseUrl: process.env['SANDBOX_WEBHOOK_BASE_URL'] } : {}),
  ...(seedRaw !== undefined && seedRaw !== '' ? { seed: Number(seedRaw) } : {}),
  quiet: process.env['SANDBOX_QUIET'] === '1',
});

process.stdout.write(`P100 sandbox listening on ${running.url} (control routes under ${running.url}/_sandbox/)\n`);

const stop = () => {
  void running.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
