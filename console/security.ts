/**
 * The console's response headers, one definition for both places that serve it: CloudFront's response
 * headers policy (infra/lib/console.ts) and the local gateway (local/console-site.ts), so the browser
 * tests run the page under the same Content-Security-Policy it gets in AWS.
 *
 * The CSP is strict: no inline script or style (the Vite build emits none; Preact sets styles through
 * the CSSOM, which CSP allows), nothing from other origins but the API calls listed in `connect`.
 */
export interface ConsoleCspOptions {
  /** Origins the page may call besides its own (the Cognito domain for the token exchange). */
  connect: readonly string[];
  /** https only (AWS): `upgrade-insecure-requests`; off locally, where the page is served over http. */
  httpsOnly: boolean;
}

export function consoleCsp(o: ConsoleCspOptions): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...o.connect].join(' ')}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    ...(o.httpsOnly ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** The other security headers, as CloudFront's managed "SecurityHeadersPolicy" sets them, plus a few more. */
export const consoleSecurityHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};
