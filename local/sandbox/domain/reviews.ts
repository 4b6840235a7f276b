import type { Sandbox } from '../sandbox.js';
import type { KycStatus, PoaStatus, User } from '../state/model.js';
import { WebhookPaths } from '../webhooks/paths.js';

/**
 * Decisions P100 staff or P100's providers make: POA reviews and KYC-by-P100 outcomes. With
 * `autoApprove` they approve themselves after the settle delay; control routes can decide otherwise.
 */
export function decidePoa(sb: Sandbox, u: User, status: Exclude<PoaStatus, 'NONE'>): void {
  if (u.deleted || u.poaStatus === status) return;
  u.poaStatus = status;
  sb.emit(WebhookPaths.poaVerificationStatus, { externalUserId: u.externalUserId, status });
}

export function decideKyc(sb: Sandbox, u: User, status: Exclude<KycStatus, 'CREATED'>): void {
  const v = u.kyc;
  if (!v || u.deleted || v.status === status) return;
  // A decided verification stays decided, except that a control route may overturn it in tests.
  v.status = status;
  sb.emit(WebhookPaths.kycVerificationStatus, { externalUserId: u.externalUserId, verificationId: v.verificationId, status });
}
