import { createHash, timingSafeEqual } from 'node:crypto';
import { registerSecretValue } from '../log/redact.js';

/**
 * The webhook token P100 sends in `Authorization`, as stored in Secrets Manager: either the token itself,
 * or JSON `{ "token": "...", "previous": "...", "previousValidUntil": "<ISO>" }` while a rotation is under
 * way (both are accepted until `previousValidUntil`; a `previous` without a valid end is never accepted,
 * so a forgotten field cannot keep an old token alive forever).
 */
export interface WebhookTokenSet {
  token: string;
  previous?: string;
  /** Epoch ms until which `previous` is still accepted. */
  previousValidUntil?: number;
}

export class WebhookTokenSecretError extends Error {
  override readonly name = 'WebhookTokenSecretError';
  constructor(detail: string) {
    super(`Webhook token secret: ${detail}. Store the token itself or JSON {"token","previous","previousValidUntil"}.`);
  }
}

export function parseWebhookTokenSecret(secret: string): WebhookTokenSet {
  const t = secret.trim();
  if (!t.startsWith('{')) {
    if (!t) throw new WebhookTokenSecretError('empty value');
    return { token: t };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    throw new WebhookTokenSecretError('looks like JSON but does not parse');
  }
  const o = parsed as Record<string, unknown>;
  if (typeof o.token !== 'string' || o.token.trim() === '') throw new WebhookTokenSecretError('JSON without a string "token"');
  const set: WebhookTokenSet = { token: o.token.trim() };
  registerSecretValue(set.token);
  if (typeof o.previous === 'string' && o.previous.trim() !== '') {
    set.previous = o.previous.trim();
    registerSecretValue(set.previous);
    const until = typeof o.previousValidUntil === 'string' ? Date.parse(o.previousValidUntil) : NaN;
    if (Number.isFinite(until)) set.previousValidUntil = until;
  }
  return set;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Whether an `Authorization` value carries one of the accepted tokens: the raw token or `Bearer <token>`
 * (webhooks.md: the scheme is UNKNOWN; ASSUMPTIONS.md E1). Constant time: every candidate is compared
 * with every accepted token through SHA-256 digests, so neither the length nor the position of the first
 * wrong byte shows in the timing.
 */
export function authorizationMatches(header: string | undefined, set: WebhookTokenSet, now: number): boolean {
  if (header === undefined) return false;
  const value = header.trim();
  const bearer = /^bearer\s+/i.exec(value);
  const candidates = [digest(value), digest(bearer ? value.slice(bearer[0].length) : value)];
  const accepted = [digest(set.token)];
  if (set.previous !== undefined && set.previousValidUntil !== undefined && now < set.previousValidUntil) accepted.push(digest(set.previous));
  let ok = false;
  for (const c of candidates) for (const a of accepted) ok = timingSafeEqual(c, a) || ok;
  return ok;
}

export interface WebhookTokenVerifierOptions {
  /** Current secret value (cached). */
  load: () => Promise<string>;
  /** Fetches the secret again, bypassing the cache. */
  refresh: () => Promise<string>;
  /** Minimum gap between forced refreshes (default 30 s). */
  refreshIntervalMs?: number;
  now?: () => number;
}

/**
 * Verifies webhook deliveries. On a mismatch it forces one secret refresh (the token may just have
 * rotated) and checks again, but at most once per `refreshIntervalMs` per container: a flood of bad
 * tokens costs one Secrets Manager call per interval, not one per request.
 */
export class WebhookTokenVerifier {
  readonly #o: Required<WebhookTokenVerifierOptions>;
  #lastRefresh = Number.NEGATIVE_INFINITY;
  /** Forced refreshes made (tests read it). */
  refreshes = 0;

  constructor(options: WebhookTokenVerifierOptions) {
    const interval = options.refreshIntervalMs ?? 30_000;
    if (!Number.isFinite(interval) || interval < 0) throw new Error(`WebhookTokenVerifier: refreshIntervalMs must be >= 0, got ${interval}`);
    this.#o = { refreshIntervalMs: interval, now: Date.now, ...options };
  }

  async verify(header: string | undefined): Promise<boolean> {
    const now = this.#o.now();
    if (authorizationMatches(header, parseWebhookTokenSecret(await this.#o.load()), now)) return true;
    // A missing header cannot become valid by refreshing.
    if (header === undefined || header.trim() === '') return false;
    if (now - this.#lastRefresh < this.#o.refreshIntervalMs) return false;
    this.#lastRefresh = now;
    this.refreshes++;
    return authorizationMatches(header, parseWebhookTokenSecret(await this.#o.refresh()), this.#o.now());
  }

  /** The current token set (the sealing key of the inbox derives from it). */
  async tokens(): Promise<WebhookTokenSet> {
    return parseWebhookTokenSecret(await this.#o.load());
  }
}
