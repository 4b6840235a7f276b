import type { Router } from '../http/router.js';
import { Errors } from '../http/errors.js';
import { ok } from '../http/types.js';
import { iso } from '../clock.js';
import { getUser, requireKycModel } from '../domain/user-lifecycle.js';
import { decideKyc } from '../domain/reviews.js';
import type { User } from '../state/model.js';

/** KYC by P100 (ASSUMPTIONS K1–K3, C7): create → redirect (starts the hosted flow) → status. */

const REDIRECT_TTL_MS = 15 * 60 * 1000;

function verificationOf(u: User): NonNullable<User['kyc']> {
  if (!u.kyc) throw Errors.notFound('KYC verification');
  return u.kyc;
}

export function registerKycRoutes(r: Router): void {
  r.add('POST', '/v1/kyc', (ctx) => {
    const u = getUser(ctx.sb, ctx.body['externalUserId']);
    requireKycModel(u);
    if (u.status === 'SUSPENDED') throw Errors.userSuspended();
    // One open verification at a time; a rejected one may be retried with a new verification.
    if (u.kyc && u.kyc.status !== 'REJECTED') throw Errors.validation(`a KYC verification already exists (${u.kyc.status})`);
    u.kyc = { verificationId: ctx.sb.ids.uuid(), status: 'CREATED', createdAt: ctx.sb.now() };
    return ok({ verificationId: u.kyc.verificationId, status: 'CREATED' }, 201);
  });

  // Fetching the redirect is when the end-user enters the hosted flow: the verification goes
  // PENDING and, with autoApprove, is decided after the settle delay.
  r.add('GET', '/v1/kyc/redirect/{externalUserId}', (ctx) => {
    const { sb } = ctx;
    const u = getUser(sb, ctx.params['externalUserId']);
    requireKycModel(u);
    const v = verificationOf(u);
    if (v.status === 'APPROVED' || v.status === 'REJECTED') throw Errors.validation(`KYC verification is already ${v.status}`);
    if (v.status === 'CREATED') {
      decideKyc(sb, u, 'PENDING');
      if (sb.config.autoApprove) sb.scheduler.schedule(`kyc ${u.externalUserId}`, () => decideKyc(sb, u, 'APPROVED'));
    }
    return ok({ redirectUrl: `https://kyc.sandbox.p100.local/verify/${v.verificationId}`, expiresAt: iso(sb.now() + REDIRECT_TTL_MS) });
  });

  r.add('GET', '/v1/kyc/status/{externalUserId}', (ctx) => {
    const u = getUser(ctx.sb, ctx.params['externalUserId']);
    requireKycModel(u);
    const v = verificationOf(u);
    return ok({ externalUserId: u.externalUserId, verificationId: v.verificationId, status: v.status });
  });
}
