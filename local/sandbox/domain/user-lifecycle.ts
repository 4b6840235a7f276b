import type { Sandbox } from '../sandbox.js';
import { Errors } from '../http/errors.js';
import type { Card, User } from '../state/model.js';
import { activateBalances } from './accounts.js';
import { WebhookPaths } from '../webhooks/paths.js';

/** User lookups and guards shared by every route that addresses a user, plus the lifecycle moves. */

/** A live user; unknown or deleted → P412. */
export function getUser(sb: Sandbox, externalUserId: unknown): User {
  if (typeof externalUserId !== 'string' || externalUserId === '') throw Errors.validation('externalUserId is required');
  const u = sb.state.users.get(externalUserId);
  if (!u || u.deleted) throw Errors.invalidUser();
  return u;
}

export function requireKycModel(u: User): void {
  if (u.model !== 'KYC') throw Errors.kycModelRequired();
}

/** The guard for money operations (C5): suspended → P455, not yet active → P459. */
export function requireActive(u: User): void {
  if (u.status === 'SUSPENDED') throw Errors.userSuspended();
  if (u.status !== 'ACTIVE') throw Errors.userNotVerified();
}

export function getActiveUser(sb: Sandbox, externalUserId: unknown): User {
  const u = getUser(sb, externalUserId);
  requireActive(u);
  return u;
}

/**
 * Makes the user ACTIVE: fiat balance ACTIVE with an IBAN, wallets on crypto balances, and the
 * `/webhook/user/status` event. Idempotent, so a control-route activation and a settling
 * verification cannot double-issue.
 */
export function activateUser(sb: Sandbox, u: User): void {
  u.activationPending = false;
  if (u.deleted || u.status === 'ACTIVE') return;
  activateBalances(sb, u);
  if (u.status === 'SUSPENDED') {
    u.statusBeforeSuspend = 'ACTIVE';
    return;
  }
  u.status = 'ACTIVE';
  sb.emit(WebhookPaths.userStatus, { externalUserId: u.externalUserId, status: 'ACTIVE' });
}

export function scheduleActivation(sb: Sandbox, u: User): void {
  if (u.activationPending) return;
  u.activationPending = true;
  sb.scheduler.schedule(`activate ${u.externalUserId}`, () => activateUser(sb, u));
}

/** Suspension also suspends the user's usable cards (card status SUSPENDED is "set by P100"). */
export function suspendUser(sb: Sandbox, u: User): void {
  if (u.status === 'SUSPENDED') return;
  u.statusBeforeSuspend = u.status;
  u.status = 'SUSPENDED';
  for (const c of cardsOf(sb, u)) {
    if (c.status === 'ACTIVE' || c.status === 'LOCKED_BY_USER') {
      c.statusBeforeSuspend = c.status;
      c.status = 'SUSPENDED';
    }
  }
  sb.emit(WebhookPaths.userStatus, { externalUserId: u.externalUserId, status: 'SUSPENDED' });
}

export function unsuspendUser(sb: Sandbox, u: User): void {
  if (u.status !== 'SUSPENDED') return;
  u.status = u.statusBeforeSuspend ?? 'WAITING_FOR_VERIFICATION';
  u.statusBeforeSuspend = null;
  for (const c of cardsOf(sb, u)) {
    if (c.status === 'SUSPENDED' && c.statusBeforeSuspend) {
      c.status = c.statusBeforeSuspend;
      c.statusBeforeSuspend = null;
    }
  }
  if (u.status === 'ACTIVE') sb.emit(WebhookPaths.userStatus, { externalUserId: u.externalUserId, status: 'ACTIVE' });
}

export function cardsOf(sb: Sandbox, u: User): Card[] {
  const out: Card[] = [];
  for (const c of sb.state.cards.values()) if (c.externalUserId === u.externalUserId) out.push(c);
  return out;
}
