import type { AddressInfo } from 'node:net';
import { Sandbox } from './sandbox.js';
import { createSandboxServer } from './http/server.js';
import { createApiRouter } from './routes/index.js';
import { createControlRouter } from './control/index.js';

export { Sandbox } from './sandbox.js';
export type { SandboxConfig } from './config.js';

export interface StartSandboxOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1: the sandbox has no business on other interfaces. */
  host?: string;
  apiKey?: string;
  seed?: number;
  webhookBaseUrl?: string;
  webhookToken?: string;
  timeScale?: number;
  settleDelayMs?: number;
  /** Default true: no log lines. */
  quiet?: boolean;
}

export interface RunningSandbox {
  url: string;
  port: number;
  /** Direct access to the core (state, clock, scheduler) for in-process tests and tools. */
  sandbox: Sandbox;
  close(): Promise<void>;
}

/**
 * Starts the P100 sandbox on loopback.
 *
 * @example
 * const sb = await startSandbox({ port: 0, seed: 7 });
 * await fetch(`${sb.url}/v1/partner/balances`, { headers: { 'x-api-key': 'sandbox-api-key' } });
 * await sb.close();
 */
export async function startSandbox(opts: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = new Sandbox(
    {
      ...(opts.apiKey !== undefined ? { apiKey: opts.apiKey } : {}),
      ...(opts.webhookBaseUrl !== undefined ? { webhookBaseUrl: opts.webhookBaseUrl } : {}),
      ...(opts.webhookToken !== undefined ? { webhookToken: opts.webhookToken } : {}),
      ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
      ...(opts.settleDelayMs !== undefined ? { settleDelayMs: opts.settleDelayMs } : {}),
      quiet: opts.quiet ?? true,
    },
    opts.seed ?? 1,
  );
  const api = createApiRouter();
  const control = createControlRouter(() => api.routes.map((r) => r.key));
  const server = createSandboxServer(sandbox, api, control);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  sandbox.log(`listening on ${url}`);
  let closed: Promise<void> | null = null;
  return {
    url,
    port,
    sandbox,
    close() {
      closed ??= (async () => {
        await sandbox.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closed;
    },
  };
}
