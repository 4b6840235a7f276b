/**
 * What the page needs to know about where it runs, read from `config.json` beside index.html: written by
 * the stack in AWS (infra/lib/console.ts), served by the local gateway for `npm start` (local/console-site.ts).
 */
export type AuthConfig = { mode: 'none' } | { mode: 'cognito'; domain: string; clientId: string };

export interface ConsoleConfig {
  /** Prefix of the operator routes: `''` locally (same origin), `/console-api` behind CloudFront. */
  apiBase: string;
  stage: string;
  auth: AuthConfig;
  /** Where docs/runbook.md is readable (the dead-letter advice links its entries); absent: the entry is named, not linked. */
  runbookUrl?: string;
}

function isConfig(v: unknown): v is ConsoleConfig {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  const auth = c.auth as Record<string, unknown> | undefined;
  if (typeof c.apiBase !== 'string' || typeof c.stage !== 'string' || typeof auth !== 'object' || auth === null) return false;
  if (c.runbookUrl !== undefined && typeof c.runbookUrl !== 'string') return false;
  if (auth.mode === 'none') return true;
  return auth.mode === 'cognito' && typeof auth.domain === 'string' && typeof auth.clientId === 'string';
}

/** Why the page cannot start: said in words with the way out (main.tsx shows it). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export async function loadConfig(): Promise<ConsoleConfig> {
  // Beside index.html under Vite's base (`/console/`), whichever URL the page itself was opened at.
  const url = `${import.meta.env.BASE_URL}config.json`;
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store' });
  } catch {
    throw new ConfigError(`The console could not reach its own site to read ${url}. Check your connection, then reload.`);
  }
  if (!res.ok)
    throw new ConfigError(
      `This console has no configuration (${url} answered ${res.status}). Locally, start the suite with \`npm start\`; in AWS, deploy the stack with -c console=true, which writes it.`,
    );
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!isConfig(body)) throw new ConfigError(`${url} is not a console configuration (apiBase, stage, auth). Redeploy the console to rewrite it.`);
  return body;
}
