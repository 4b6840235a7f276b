import { CURRENCY_RULES, type Currency } from '../catalog/currencies.js';
import { ABSENT_ENTITY, ABSENT_SEPA_TRANSFER, ABSENT_USER, KYC_MODEL_REQUIRED, USER_EXISTS, type Expectation } from './expectations.js';
import type { RequestInput } from './request.js';
import type { ProbeAnswer } from './transport.js';
import { isSafeId } from '../safe-id.js';

/**
 * The order a contract run calls P100 in (issue 16 item 1). Read-only first and always: the partner's own
 * reads, then every user and entity read with an id P100 never issued (its answer shows whether the path exists
 * and which error code P100 uses, and changes nothing). With `--writes`: one dedicated test user, its reads,
 * an exchange lock (no money moves) and one transfer of the smallest amount, each step idempotent on re-run.
 */
export interface PlanContext {
  check(operationId: string, input: RequestInput, expect: Expectation, purpose: string): Promise<ProbeAnswer | undefined>;
  /** Calls without judging (polling for a state); the request is still listed in the report. */
  peek(operationId: string, input: RequestInput, purpose: string): Promise<ProbeAnswer | undefined>;
  absentUserId: string;
  absentId: string;
  testUserId: string;
  leftBehind: string[];
  sleep(ms: number): Promise<void>;
  activationTimeoutMs: number;
}

const success: Expectation = { success: true };

/** The smallest positive amount the currency table allows (ASSUMPTIONS G10): `0.01` eur, `0.000001` usdc. */
export function smallestAmount(currency: Currency): string {
  const d = CURRENCY_RULES[currency].decimals;
  return d === 0 ? '1' : `0.${'0'.repeat(d - 1)}1`;
}

/** Currency of the one test transfer: a coin every non-KYC user holds (they have crypto balances only). */
export const TEST_TRANSFER_CURRENCY: Currency = 'usdc';

export async function readOnlySteps(c: PlanContext): Promise<void> {
  await c.check('getPartnerBalances', {}, success, 'read');
  await c.check('getPartnerTransactions', { query: { page: '1', pageSize: '5' } }, success, 'read');
  await c.check('getPartnerSepaDepositInfo', {}, success, 'read');
  await c.check('getExchangeRate', { query: { currencyFrom: 'eur', currencyTo: 'btc', amount: smallestAmount('eur') } }, success, 'read');
  await c.check('getNetworkFee', { query: { currency: 'usdc', network: 'polygon' } }, success, 'read');

  const user = { externalUserId: c.absentUserId };
  const probe = 'error probe: a user P100 never issued';
  for (const id of ['getUserBalances', 'getUserTransactions', 'getUserSepaDepositInfo', 'getKycStatus', 'getKycVerificationRedirect', 'listUserCards']) {
    await c.check(id, { params: user }, { error: ABSENT_USER }, probe);
  }
  for (const id of ['getCard', 'getCardLimits']) await c.check(id, { params: { ...user, cardId: c.absentId } }, { error: ABSENT_USER }, probe);

  const entity = 'error probe: an id P100 never issued';
  await c.check('getExchange', { params: { exchangeId: c.absentId } }, { error: ABSENT_ENTITY }, entity);
  await c.check('getCryptoWithdrawal', { params: { withdrawalId: c.absentId } }, { error: ABSENT_ENTITY }, entity);
  await c.check('getTransfer', { params: { transferId: c.absentId } }, { error: ABSENT_ENTITY }, entity);
  await c.check('getSepaTransfer', { params: { transferId: c.absentId } }, { error: ABSENT_SEPA_TRANSFER }, entity);
  await c.check('getPartnerSepaTransfer', { params: { transferId: c.absentId } }, { error: ABSENT_SEPA_TRANSFER }, entity);
}

interface HistoryEntry {
  type?: unknown;
  referenceId?: unknown;
  direction?: unknown;
}

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** A non-KYC user is active once P100 issued its wallets (ASSUMPTIONS F4), or says so (F16). */
function isActive(body: unknown): boolean {
  const b = record(body);
  if (typeof b.status === 'string') return b.status.toUpperCase() === 'ACTIVE';
  const all = [b.balances, b.cryptoBalances].flatMap((x) => (Array.isArray(x) ? x : []));
  return all.some((x) => typeof record(x).wallet === 'string');
}

export async function writeSteps(c: PlanContext): Promise<void> {
  const user = { externalUserId: c.testUserId };
  // The dedicated test user: created once; a re-run is answered P411 (user exists), which confirms §D P411.
  const created = await c.check(
    'createUserWithoutKyc',
    { body: { externalUserId: c.testUserId, firstName: 'Contract', lastName: 'Verifier', country: 'PL' } },
    { success: true, alsoAccept: USER_EXISTS },
    'test user (idempotent: P411 on re-run)',
  );
  if (!created) return;
  c.leftBehind.push(`non-KYC test user ${c.testUserId} (created once, reused by every run against this base URL)`);

  // Activation is asynchronous (F4): poll the read without judging it, then judge the answer once.
  const deadline = Date.now() + c.activationTimeoutMs;
  let polled = await c.peek('getUserBalances', { params: user }, 'waiting for ACTIVE');
  while (polled && !isActive(polled.body) && Date.now() < deadline) {
    await c.sleep(500);
    polled = await c.peek('getUserBalances', { params: user }, 'waiting for ACTIVE');
  }
  const balances = await c.check('getUserBalances', { params: user }, success, 'test user read');
  await c.check('listUserCards', { params: user }, { error: KYC_MODEL_REQUIRED }, 'error probe: cards of a non-KYC user');
  await c.check(
    'createPartnerExchangeLock',
    { body: { currencyFrom: 'eur', currencyTo: 'btc', amount: smallestAmount('eur') } },
    success,
    'exchange lock (reserves a rate, moves nothing; expires unused)',
  );

  // The one money step. P100 has no idempotency key (A5), so the run looks for its own earlier transfer in the
  // test user's history first and sends a new one only when there is none: a re-run never moves money again.
  const history = await c.check('getUserTransactions', { params: user, query: { page: '1', pageSize: '100' } }, success, 'test user history');
  const entries = (Array.isArray(record(history?.body).transactions) ? record(history?.body).transactions : []) as HistoryEntry[];
  // Only an id that passes the safe-id rule goes into a path (issue 23): another entry is no transfer of ours.
  let transferId = entries.find((e) => String(e.type).toUpperCase() === 'TRANSFER' && isSafeId(e.referenceId))?.referenceId as string | undefined;
  if (transferId === undefined && isActive(balances?.body)) {
    const amount = smallestAmount(TEST_TRANSFER_CURRENCY);
    const t = await c.check(
      'createTransfer',
      { params: user, body: { direction: 'FUNDING', amount, currency: TEST_TRANSFER_CURRENCY } },
      success,
      `test transfer of ${amount} ${TEST_TRANSFER_CURRENCY} (only when the history holds none)`,
    );
    const id = record(t?.body).transferId;
    if (typeof id === 'string') {
      transferId = id;
      c.leftBehind.push(`transfer ${id}: ${amount} ${TEST_TRANSFER_CURRENCY} from the partner balance to ${c.testUserId}`);
    }
  } else if (transferId !== undefined) {
    c.leftBehind.push(`transfer ${transferId} of an earlier run (found in ${c.testUserId}'s history; not sent again)`);
  }
  if (transferId !== undefined) await c.check('getTransfer', { params: { transferId } }, success, 'test transfer read');

  // Reversible steps on the test user, each leaving it as it was: an update to the same value every run, then
  // suspend and unsuspend (C5). A run that stops in between leaves it suspended; the next run unsuspends it.
  await c.check('updateUser', { params: user, body: { city: 'Contract Verifier City' } }, success, 'test user update (same value every run)');
  const suspended = await c.check('suspendUser', { params: user }, success, 'test user suspend (undone next)');
  await c.check('unsuspendUser', { params: user }, success, 'test user unsuspend');
  if (suspended) c.leftBehind.push(`${c.testUserId} suspended and unsuspended again (ACTIVE); its city set to "Contract Verifier City"`);
}
