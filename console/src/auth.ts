import type { AuthConfig } from './config.js';

/**
 * Sign-in through the Cognito user pool's managed login: OAuth 2.0 authorization code with PKCE (no client
 * secret in a browser). The access token stays in sessionStorage (gone with the tab) and is sent to the
 * operator routes, whose JWT authorizer checks its issuer and client_id. Locally (`mode: none`) the gateway
 * asks for no token: the sign-in is bypassed.
 */

const TOKEN = 'p100-console-token';
const PKCE = 'p100-console-pkce';

interface StoredToken {
  accessToken: string;
  expiresAt: number;
}

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(48)));
}

function redirectUri(): string {
  return `${location.origin}${location.pathname}`;
}

/** The access token when signed in and not expired (a minute of margin). */
export function currentToken(): string | undefined {
  const raw = sessionStorage.getItem(TOKEN);
  if (!raw) return undefined;
  const t = JSON.parse(raw) as StoredToken;
  return t.expiresAt - 60_000 > Date.now() ? t.accessToken : undefined;
}

export async function signIn(auth: Extract<AuthConfig, { mode: 'cognito' }>): Promise<void> {
  const verifier = randomToken();
  const state = randomToken();
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state }));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email',
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  });
  location.assign(`https://${auth.domain}/oauth2/authorize?${q}`);
}

export function signOut(auth: AuthConfig): void {
  sessionStorage.removeItem(TOKEN);
  if (auth.mode === 'cognito') location.assign(`https://${auth.domain}/logout?${new URLSearchParams({ client_id: auth.clientId, logout_uri: redirectUri() })}`);
}

/** Finishes a sign-in when the page is Cognito's redirect back (`?code=...&state=...`); true when a token was stored. */
export async function completeSignIn(auth: Extract<AuthConfig, { mode: 'cognito' }>): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return false;
  const pending = JSON.parse(sessionStorage.getItem(PKCE) ?? 'null') as { verifier: string; state: string } | null;
  sessionStorage.removeItem(PKCE);
  history.replaceState(null, '', redirectUri() + location.hash);
  if (!pending || pending.state !== params.get('state')) throw new Error('sign-in answer does not match the request (state); sign in again');
  const res = await fetch(`https://${auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: auth.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  if (!res.ok) throw new Error(`sign-in failed: token endpoint answered ${res.status}`);
  const t = (await res.json()) as { access_token: string; expires_in: number };
  sessionStorage.setItem(TOKEN, JSON.stringify({ accessToken: t.access_token, expiresAt: Date.now() + t.expires_in * 1000 } satisfies StoredToken));
  return true;
}
