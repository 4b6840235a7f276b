import type { Router } from '../http/router.js';
import { Errors, P100Error } from '../http/errors.js';
import { message, ok, type Ctx } from '../http/types.js';
import { optCountry, optDate, optEnum, optString, reqCountry, reqDate, reqEnum, reqString } from '../http/validate.js';
import { checkFiles, parseMultipart } from '../http/multipart.js';
import { flatBalances, newAccountBase, splitBalances } from '../domain/accounts.js';
import { cardsOf, getUser, requireActive, requireKycModel, scheduleActivation, suspendUser, unsuspendUser } from '../domain/user-lifecycle.js';
import { POA_COUNTRIES } from '../state/currencies.js';
import type { KycFileType, User, UserModel } from '../state/model.js';
import { WebhookPaths } from '../webhooks/paths.js';
import { decidePoa } from '../domain/reviews.js';

/** Users of both models: create, documents, verification, extend, update, suspend, delete, balances. */

const DOCUMENT_TYPES = ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'] as const;
const KYC_FILE_TYPES = ['DOCUMENT_FRONT', 'DOCUMENT_BACK', 'SELFIE'] as const;
const PROFILE_STRINGS = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'address',
  'street',
  'number',
  'city',
  'postCode',
  'documentNumber',
  'userIdentificationNumber',
  'pesel',
] as const;
const UPDATABLE = ['email', 'phone', 'firstName', 'lastName', 'address', 'street', 'number', 'city', 'postCode', 'country'] as const;

/** Both create-user revisions (contradiction 9): every field optional except the id (and citizenship for KYC). */
function readProfile(body: Record<string, unknown>, model: UserModel): Record<string, string> {
  const p: Record<string, string> = {};
  for (const f of PROFILE_STRINGS) {
    const v = optString(body, f);
    if (v !== undefined) p[f] = v;
  }
  if (p['email'] !== undefined && !/^[^@\s]+@[^@\s]+$/.test(p['email'])) throw Errors.validation('email is not valid');
  if (p['phone'] !== undefined && !/^\+?\d{6,16}$/.test(p['phone'])) throw Errors.validation('phone must be digits');
  for (const f of ['country', 'nationality', 'birthCountry'] as const) {
    const v = optCountry(body, f);
    if (v !== undefined) p[f] = v;
  }
  if (model === 'KYC') p['citizenship'] = reqCountry(body, 'citizenship');
  else {
    const c = optCountry(body, 'citizenship');
    if (c !== undefined) p['citizenship'] = c;
  }
  const bd = optDate(body, 'birthDate');
  if (bd !== undefined) p['birthDate'] = bd;
  const dt = optEnum(body, 'documentType', DOCUMENT_TYPES);
  if (dt !== undefined) p['documentType'] = dt;
  // Rev C makes the terms acceptance mandatory; when a caller sends it, it must be `true`.
  if (body['hasAcceptedP100Tc'] !== undefined && body['hasAcceptedP100Tc'] !== true) {
    throw Errors.validation('hasAcceptedP100Tc must be true');
  }
  return p;
}

function createUser(ctx: Ctx, model: UserModel): User {
  const { sb, body } = ctx;
  const externalUserId = reqString(body, 'externalUserId', 128);
  const profile = readProfile(body, model);
  if (sb.state.users.has(externalUserId)) throw Errors.userExists();
  const u: User = {
    ...newAccountBase(sb),
    externalUserId,
    userId: sb.ids.uuid(),
    model,
    status: 'WAITING_FOR_VERIFICATION',
    statusBeforeSuspend: null,
    deleted: false,
    extended: false,
    activationPending: false,
    profile,
    poaRequired: model === 'KYC' && POA_COUNTRIES.has(profile['country'] ?? ''),
    poaStatus: 'NONE',
    kycFiles: new Set(),
    kyc: null,
    cardCreations: [],
    createdAt: sb.now(),
  };
  sb.state.users.set(externalUserId, u);
  return u;
}

function kycUser(ctx: Ctx): User {
  const u = getUser(ctx.sb, ctx.params['externalUserId']);
  requireKycModel(u);
  return u;
}

export function registerUserRoutes(r: Router): void {
  r.add('POST', '/v1/user/balances/crypto-and-fiat', (ctx) => {
    const u = createUser(ctx, 'KYC');
    return ok({ userId: u.userId, poaRequired: u.poaRequired, poaRequiredForExtended: u.poaRequired, balances: splitBalances(ctx.sb, u) }, 201);
  });

  // Non-KYC users have nothing to verify: their wallets are generated asynchronously right away.
  r.add('POST', '/v1/user/balances/crypto', (ctx) => {
    const u = createUser(ctx, 'NON_KYC');
    scheduleActivation(ctx.sb, u);
    return ok({ userId: u.userId, balances: flatBalances(ctx.sb, u) }, 201);
  });

  r.add('POST', '/v1/user/kyc-files/{externalUserId}', async (ctx) => {
    const u = kycUser(ctx);
    const form = await parseMultipart(ctx);
    const fileType = reqEnum(Object.fromEntries(form.fields), 'fileType', KYC_FILE_TYPES);
    const files = form.files.filter((f) => f.field === 'files');
    if (files.length !== 1) throw Errors.validation('exactly one file is required in field "files"');
    checkFiles(files);
    const empty = (files[0]?.size ?? 0) === 0;
    ctx.sb.scheduler.schedule(`kyc-file ${u.externalUserId}`, () => {
      if (!empty) u.kycFiles.add(fileType as KycFileType);
      ctx.sb.emit(WebhookPaths.kycFileAdded, {
        externalUserId: u.externalUserId,
        fileType,
        status: empty ? 'ERROR' : 'ADDED',
        ...(empty ? { error: 'file is empty' } : {}),
      });
    });
    return message('File added', 201);
  });

  r.add('POST', '/v1/user/poa-files/{externalUserId}', async (ctx) => {
    const u = kycUser(ctx);
    if (u.poaStatus === 'APPROVED') throw Errors.poaAlreadyVerified();
    if (u.poaStatus === 'WAITING') return ok(new P100Error('P211', 'poa-pending', 202).toBody(), 202);
    const form = await parseMultipart(ctx);
    const files = form.files.filter((f) => f.field === 'files');
    if (files.length === 0) throw Errors.validation('at least one file is required in field "files"');
    if (files.length > 3) throw Errors.validation('at most 3 files');
    checkFiles(files);
    u.poaStatus = 'WAITING';
    ctx.sb.emit(WebhookPaths.poaVerificationStatus, { externalUserId: u.externalUserId, status: 'WAITING' });
    if (ctx.sb.config.autoApprove) ctx.sb.scheduler.schedule(`poa ${u.externalUserId}`, () => decidePoa(ctx.sb, u, 'APPROVED'));
    return message('POA files added', 201);
  });

  r.add('POST', '/v1/user/verification', (ctx) => {
    const { sb, body } = ctx;
    const u = getUser(sb, body['externalUserId']);
    requireKycModel(u);
    const documentType = reqEnum(body, 'documentType', DOCUMENT_TYPES);
    const documentNumber = reqString(body, 'documentNumber', 64);
    const expiry = reqDate(body, 'documentExpiryDate');
    reqCountry(body, 'documentIssuingCountry');
    if (Date.parse(expiry) <= sb.now()) throw Errors.validation('document is expired');
    if (u.status === 'SUSPENDED') throw Errors.userSuspended();
    if (u.status === 'ACTIVE' || u.activationPending) throw Errors.validation('user is already verified');
    const filesDone = u.kycFiles.has('DOCUMENT_FRONT') && u.kycFiles.has('SELFIE') && (documentType === 'PASSPORT' || u.kycFiles.has('DOCUMENT_BACK'));
    if (!filesDone && u.kyc?.status !== 'APPROVED') throw Errors.validation('KYC documents are missing or not approved');
    u.profile['documentType'] = documentType;
    u.profile['documentNumber'] = documentNumber;
    scheduleActivation(sb, u);
    return message('Verification added');
  });

  r.add('POST', '/v1/user/balances/extended', (ctx) => {
    const u = getUser(ctx.sb, ctx.body['externalUserId']);
    requireKycModel(u);
    requireActive(u);
    u.extended = true;
    return message('User extended');
  });

  r.add('PATCH', '/v1/user/{externalUserId}', (ctx) => {
    const u = getUser(ctx.sb, ctx.params['externalUserId']);
    const keys = Object.keys(ctx.body);
    if (keys.length === 0) throw Errors.validation('nothing to update');
    const unknown = keys.filter((k) => !(UPDATABLE as readonly string[]).includes(k));
    if (unknown.length > 0) throw Errors.validation(`fields cannot be updated: ${unknown.join(', ')}`);
    const next: Record<string, string> = {};
    for (const k of UPDATABLE) {
      const v = k === 'country' ? optCountry(ctx.body, k) : optString(ctx.body, k);
      if (v !== undefined) next[k] = v;
    }
    if (next['email'] !== undefined && !/^[^@\s]+@[^@\s]+$/.test(next['email'])) throw Errors.validation('email is not valid');
    Object.assign(u.profile, next);
    return message('User updated');
  });

  r.add('DELETE', '/v1/user/{externalUserId}', (ctx) => {
    const u = getUser(ctx.sb, ctx.params['externalUserId']);
    u.deleted = true;
    for (const c of cardsOf(ctx.sb, u)) c.status = 'DELETED';
    return message('User deleted');
  });

  r.add('PATCH', '/v1/user/suspend/{externalUserId}', (ctx) => {
    suspendUser(ctx.sb, getUser(ctx.sb, ctx.params['externalUserId']));
    return message('User suspended');
  });

  r.add('PATCH', '/v1/user/unsuspend/{externalUserId}', (ctx) => {
    unsuspendUser(ctx.sb, getUser(ctx.sb, ctx.params['externalUserId']));
    return message('User unsuspended');
  });

  r.add('GET', '/v1/user/balances/{externalUserId}', (ctx) => {
    const u = getUser(ctx.sb, ctx.params['externalUserId']);
    // ASSUMPTIONS.md F16: the user's status and POA review status ride along (readable for reconciliation).
    if (u.model === 'NON_KYC') return ok({ userId: u.userId, status: u.status, balances: flatBalances(ctx.sb, u) });
    return ok({ userId: u.userId, status: u.status, poaRequired: u.poaRequired, poaStatus: u.poaStatus, ...splitBalances(ctx.sb, u) });
  });
}
