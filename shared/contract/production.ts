import { P100_BASE_URLS } from '../config/env.js';

/**
 * Whether a base URL is P100 production, where `--writes` is refused (issue 16 item 1). Production is the
 * documented production host (`partner-api.p100.io`, shared/config/env.ts), under any scheme, port, path or
 * letter case, and any host named in `P100_PRODUCTION_HOSTS` (comma-separated: a proxy or private endpoint in
 * front of production). Staging (`partner-api-stage.p100.io`), the sandbox and anything else are not.
 *
 * @example
 * isProductionBaseUrl('https://PARTNER-API.p100.io/') // true
 * isProductionBaseUrl('https://partner-api-stage.p100.io') // false
 */
export function isProductionBaseUrl(baseUrl: string, env: NodeJS.ProcessEnv = process.env): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return false;
  }
  const hosts = [new URL(P100_BASE_URLS.production).hostname, ...(env.P100_PRODUCTION_HOSTS ?? '').split(',')]
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return hosts.includes(host);
}
