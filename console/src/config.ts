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
}

function isConfig(v: unknown): v is ConsoleConfig {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  const auth = c.auth as Record<string, unknown> | undefined;
  if (typeof c.apiBase !== 'string' || typeof c.stage !== 'string' || typeof auth !== 'object' || auth === null) return false;
  if (auth.mode === 'none') return true;
  return auth.mode === 'cognito' && typeof auth.domain === 'string' && typeof auth.clientId === 'string';
}

export async function loadConfig(): Promise<ConsoleConfig> {
  // Beside index.html under Vite's base (`/console/`), whichever URL the page itself was opened at.
  const res = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const body: unknown = await res.json();
  if (!isConfig(body)) throw new Error('config.json is not a console configuration');
  return body;
}
