/**
 * One request and one answer per operation, for `openapi.json` (media-type and parameter `example`s).
 * test/unit/openapi-contract.test.ts checks each against both faces of the catalog: the zod schema the
 * handler runs and the JSON Schema the document shows. Values are invented but realistic; card numbers
 * are test numbers, IBANs the usual specimen.
 */

export interface OperationExample {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  body?: unknown;
  response: unknown;
}

const USER = 'user-4711';
const UUID = (n: number) => `3f0c2a8e-5b7d-4c1e-9a6f-00000000000${n}`;
const AT = '2026-01-24T10:15:00Z';
const IBAN = 'DE89370400440532013000';
const RUN_ID = '20260124T101500Z-1a2b3c4d';
const EVENT_ID = 'a3f1c2d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7';
const ok = { message: 'OK' };

const balances = {
  fiatBalances: [{ id: UUID(1), amount: '125.40', name: 'eur', rate: '1', iban: IBAN, status: 'ACTIVE' }],
  cryptoBalances: [
    {
      id: UUID(2),
      amount: '0.01500000',
      name: 'btc',
      rate: '102178.03394219',
      wallet: 'tb1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
      networkConfig: {
        btc: { mainnet: false, name: 'test', withdrawal: { feeWithdrawal: '0.0003', minWithdrawal: '0.0005' }, deposit: { minDeposit: '0.0001' } },
      },
    },
  ],
};

const history = {
  transactions: [
    {
      id: UUID(3),
      type: 'TRANSFER',
      status: 'SUCCESSFUL',
      amount: '50.00',
      currency: 'eur',
      externalUserId: USER,
      referenceId: UUID(4),
      direction: 'IN',
      createdAt: AT,
    },
  ],
  page: 1,
  pageSize: 50,
  totalItems: 1,
  totalPages: 1,
};

const withdrawalBody = {
  currency: 'usdc',
  amount: '25.5',
  network: 'polygon',
  walletAddress: '0x52908400098527886E0F7030069857D2E4169EE7',
  name: 'Jane Doe',
  walletType: 'NON_CUSTODIAL',
  receiverType: 'NATURAL',
};
const sepaBody = { amount: '100.00', currency: 'eur', destinationIban: 'DE89 3704 0044 0532 0130 00', transferTitle: 'Invoice 2026-001' };
const sepaDetails = {
  id: UUID(5),
  type: 'OUT',
  amount: '100.00',
  currency: 'eur',
  fee: '1',
  transferTitle: 'Invoice 2026-001',
  destinationIban: IBAN,
  status: 'PENDING',
  createdAt: AT,
};
const sepaDepositInfo = { title: 'P100-REF-4711', iban: IBAN, swift: 'COBADEFFXXX', accountHolder: 'P100 Sp. z o.o.', address: 'ul. Prosta 1, Warszawa' };
const lock = { currencyFrom: 'eur', currencyTo: 'btc', amount: '50.00' };
const lockAnswer = {
  lockId: UUID(6),
  rate: '0.00000978',
  amount: '50.00',
  amountTo: '0.00048900',
  currencyFrom: 'eur',
  currencyTo: 'btc',
  expiresAt: '2026-01-24T10:16:00Z',
};
const exchange = {
  id: UUID(7),
  externalUserId: USER,
  currencyFrom: 'eur',
  currencyTo: 'btc',
  amount: '50.00',
  amountTo: '0.00048900',
  rate: '0.00000978',
  fee: '0.25',
  status: 'COMPLETED',
  createdAt: AT,
};
const limits = {
  monthlyTrxAll: '5000.00',
  dailyTrxAll: '1000.00',
  monthlyTrxAtm: '1000.00',
  dailyTrxAtm: '200.00',
  monthlyTrxEcom: '3000.00',
  dailyTrxEcom: '500.00',
};
const card = { externalUserId: USER, cardId: UUID(8) };

/** The exception of the examples: an amount P100 changed by hand (issue 26). */
const EXCEPTION = {
  exceptionId: `amount-mismatch:TRANSFER:${UUID(4)}`,
  class: 'amount-mismatch',
  type: 'TRANSFER',
  id: UUID(4),
  externalUserId: 'user-1',
  state: 'acknowledged',
  firstSeen: AT,
  lastSeen: AT,
  count: 3,
  firstRunId: '20260101T000000Z-0a1b2c3d',
  lastRunId: '20260101T020000Z-4e5f6a7b',
  ours: { amount: '250.00', currency: 'eur', status: 'SUCCESSFUL' },
  theirs: { amount: '205.00', currency: 'eur', status: 'SUCCESSFUL' },
  diff: [
    { field: 'amount', ours: '250.00', theirs: '205.00', differs: true, compared: true },
    { field: 'currency', ours: 'eur', theirs: 'eur', differs: false, compared: true },
    { field: 'status', ours: 'SUCCESSFUL', theirs: 'SUCCESSFUL', differs: false, compared: true },
  ],
  note: 'P100 support ticket 4711 opened',
  owner: 'jane.ops',
  updatedAt: AT,
  updatedBy: 'jane.ops',
  version: 3,
};
const EXCEPTION_AUDIT = {
  at: AT,
  actor: 'jane.ops',
  action: 'acknowledge',
  summary: `acknowledge amount-mismatch TRANSFER ${UUID(4)} (open → acknowledged)`,
  note: 'P100 support ticket 4711 opened',
  ref: { exceptionId: `amount-mismatch:TRANSFER:${UUID(4)}`, from: 'open', to: 'acknowledged' },
};

export const examples: Readonly<Record<string, OperationExample>> = {
  getPartnerBalances: { response: balances },
  getPartnerTransactions: { query: { page: 1, pageSize: 50, from: '2026-01-01T00:00:00Z' }, response: history },
  createPartnerExchangeLock: { body: lock, response: lockAnswer },
  createPartnerExchange: { body: { ...lock, lockId: UUID(6) }, response: { exchangeId: UUID(7) } },
  createPartnerCryptoWithdrawal: { body: withdrawalBody, response: { withdrawalId: UUID(9) } },
  createPartnerSepaTransfer: { body: sepaBody, response: { transferId: UUID(5) } },
  getPartnerSepaTransfer: { params: { transferId: UUID(5) }, response: sepaDetails },
  getPartnerSepaDepositInfo: { response: sepaDepositInfo },

  createUser: {
    body: {
      externalUserId: USER,
      email: 'jane.doe@example.com',
      phone: '48123123123',
      firstName: 'Jane',
      lastName: 'Doe',
      street: 'Prosta',
      number: '1',
      city: 'Warszawa',
      postCode: '00-001',
      country: 'PL',
      citizenship: 'PL',
      nationality: 'PL',
      birthCountry: 'PL',
      birthDate: '1990-05-15',
      hasAcceptedP100Tc: true,
    },
    response: { userId: UUID(0), poaRequired: false, poaRequiredForExtended: true, balances },
  },
  createUserWithoutKyc: {
    body: {
      externalUserId: USER,
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
      country: 'PL',
      documentType: 'PASSPORT',
      documentNumber: 'AB1234567',
      pesel: '90051512345',
      birthDate: '1990-05-15',
    },
    response: { userId: UUID(0), balances: balances.cryptoBalances },
  },
  getUserBalances: { params: { externalUserId: USER }, response: { ...balances, userId: UUID(0), poaRequired: false } },
  addUserVerification: {
    params: { externalUserId: USER },
    body: { documentType: 'ID_CARD', documentNumber: 'ABC123456', documentExpiryDate: '2030-02-28', documentIssuingCountry: 'PL' },
    response: ok,
  },
  extendUser: { params: { externalUserId: USER }, response: ok },
  updateUser: { params: { externalUserId: USER }, body: { email: 'jane@example.org', city: 'Kraków' }, response: ok },
  deleteUser: { params: { externalUserId: USER }, response: ok },
  suspendUser: { params: { externalUserId: USER }, response: ok },
  unsuspendUser: { params: { externalUserId: USER }, response: ok },
  getUserTransactions: { params: { externalUserId: USER }, query: { page: 1, pageSize: 50 }, response: history },
  createUploadUrl: {
    params: { externalUserId: USER },
    body: { purpose: 'KYC', fileName: 'passport-front.jpg', contentType: 'image/jpeg', size: 482113 },
    response: {
      uploadId: '9b2f4c1e-7a3d-4e5f-8a6b-1c2d3e4f5a6b',
      key: `uploads/${USER}/9b2f4c1e-7a3d-4e5f-8a6b-1c2d3e4f5a6b`,
      purpose: 'KYC',
      fileName: 'passport-front.jpg',
      url: 'https://uploads.example.com/uploads/user-4711/9b2f4c1e-7a3d-4e5f-8a6b-1c2d3e4f5a6b?X-Amz-Signature=abc',
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg' },
      expiresAt: '2026-01-24T10:30:00Z',
      maxBytes: 5242880,
    },
  },
  addKycFile: {
    params: { externalUserId: USER },
    body: { uploadId: '9b2f4c1e-7a3d-4e5f-8a6b-1c2d3e4f5a6b', fileType: 'DOCUMENT_FRONT' },
    response: { message: 'File added' },
  },
  addPoaFile: { params: { externalUserId: USER }, body: { uploadIds: ['9b2f4c1e-7a3d-4e5f-8a6b-1c2d3e4f5a6b'] }, response: { message: 'File added' } },

  createKycVerification: { params: { externalUserId: USER }, response: { verificationId: UUID(1), status: 'CREATED' } },
  getKycVerificationRedirect: {
    params: { externalUserId: USER },
    response: { redirectUrl: 'https://kyc.example.com/flow/abc', expiresAt: '2026-01-24T10:45:00Z' },
  },
  getKycStatus: { params: { externalUserId: USER }, response: { externalUserId: USER, verificationId: UUID(1), status: 'PENDING' } },

  getExchangeRate: {
    query: { currencyFrom: 'eur', currencyTo: 'btc', amount: '50.00' },
    response: { rate: '0.00000978', currencyFrom: 'eur', currencyTo: 'btc', amount: '50.00', amountTo: '0.00048900' },
  },
  createExchangeLock: { params: { externalUserId: USER }, body: lock, response: lockAnswer },
  createExchange: { params: { externalUserId: USER }, body: { ...lock, lockId: UUID(6) }, response: { exchangeId: UUID(7) } },
  getExchange: { params: { exchangeId: UUID(7) }, response: exchange },

  updateTravelRule: {
    params: { cryptoDepositId: UUID(2) },
    body: { walletType: 'SELF_CUSTODY', externalUserId: USER, details: { iAmOwnerOfWallet: true, firstName: 'Jane', lastName: 'Doe', country: 'PL' } },
    response: ok,
  },
  getNetworkFee: { query: { currency: 'usdc', network: 'polygon' }, response: { networkFee: '0.000469' } },
  createCryptoWithdrawal: { params: { externalUserId: USER }, body: withdrawalBody, response: { withdrawalId: UUID(9) } },
  getCryptoWithdrawal: {
    params: { withdrawalId: UUID(9) },
    response: {
      id: UUID(9),
      externalUserId: USER,
      currency: 'usdc',
      network: 'polygon',
      amount: '25.5',
      walletAddress: withdrawalBody.walletAddress,
      fee: '0.5',
      networkFee: '0.000469',
      status: 'PENDING',
      transactionHash: null,
      createdAt: AT,
    },
  },

  createTransfer: { params: { externalUserId: USER }, body: { direction: 'FUNDING', amount: '50.00', currency: 'eur' }, response: { transferId: UUID(4) } },
  getTransfer: {
    params: { transferId: UUID(4) },
    response: {
      id: UUID(4),
      sourceExternalUserId: null,
      destinationExternalUserId: USER,
      amount: '50.00',
      currency: 'eur',
      status: 'SUCCESSFUL',
      createdAt: AT,
    },
  },

  createCard: {
    params: { externalUserId: USER },
    body: { label: 'Travel', pin: '4821' },
    response: { cardId: UUID(8), cardNumber: '4111111111111111', cvv: '123', exp: '12/29' },
  },
  listUserCards: { params: { externalUserId: USER }, response: { cards: [{ cardId: UUID(8), status: 'ACTIVE', label: 'Travel', cardLastDigits: '1111' }] } },
  getCard: { params: card, response: { status: 'ACTIVE', cardNumber: '4111111111111111', cvv: '123', exp: '12/29' } },
  updateCardPin: { params: card, body: { pin: '9034' }, response: ok },
  blockCard: { params: card, response: ok },
  unblockCard: { params: card, response: ok },
  getCardLimits: { params: card, response: limits },
  updateCardLimits: { params: card, body: limits, response: ok },
  deleteCard: { params: card, response: ok },

  getUserSepaDepositInfo: { params: { externalUserId: USER }, response: sepaDepositInfo },
  createSepaTransfer: { params: { externalUserId: USER }, body: sepaBody, response: { transferId: UUID(5) } },
  getSepaTransfer: { params: { transferId: UUID(5) }, response: { ...sepaDetails, user: { externalUserId: USER } } },

  listInboxEvents: {
    query: { status: 'DEAD', limit: 20 },
    response: {
      items: [
        {
          eventId: EVENT_ID,
          webhook: 'p2pTransfer',
          entityId: UUID(4),
          status: 'SUCCESSFUL',
          externalUserId: USER,
          state: 'DEAD',
          receivedAt: AT,
          deliveries: 1,
          envelope: 'flat',
          hasSealedFields: false,
          deadReason: 'processing failed 5 times',
          payload: { id: UUID(4), status: 'SUCCESSFUL' },
        },
      ],
    },
  },
  replayInboxEvent: { params: { eventId: EVENT_ID }, response: { eventId: EVENT_ID, state: 'ENQUEUED', enqueued: true } },
  replayDeadInboxEvents: { body: { limit: 20 }, response: { replayed: 1, eventIds: [EVENT_ID], more: false } },
  getContractReport: {
    response: {
      baseUrl: 'https://partner-api-stage.p100.io',
      startedAt: AT,
      finishedAt: '2026-01-24T10:15:04Z',
      mode: 'read-only',
      operations: [
        {
          operationId: 'getUserBalances',
          status: 'drift',
          drifts: [
            {
              kind: 'path',
              detail:
                'GET /v1/user/balances/p100-contract-absent-1a2b3c4d -> 404 without a P100 error code: nothing is served there; GET /v1/user/{externalUserId}/balances (reference README contradiction 1) answers 400',
              evidence: 'GET /v1/user/balances/p100-contract-absent-1a2b3c4d -> 404',
            },
          ],
          requests: ['GET /v1/user/balances/p100-contract-absent-1a2b3c4d -> 404 (error probe: a user P100 never issued)'],
          assumptions: ['D/P412'],
        },
        { operationId: 'getPartnerBalances', status: 'confirmed', drifts: [], assumptions: ['F1', 'P1'] },
        { operationId: 'createCard', status: 'untested', drifts: [], reason: 'a money operation: run with --writes (never against production)' },
      ],
      assumptions: [
        { id: 'P1', status: 'confirmed', evidence: ['getPartnerBalances: confirmed'] },
        { id: 'U10', status: 'drift', evidence: ['getUserBalances: drift'] },
      ],
      suggestedOverrides: { getUserBalances: { method: 'GET', path: '/v1/user/{externalUserId}/balances' } },
      webhooks: [{ webhook: 'userStatus', events: 3, status: 'confirmed', drifts: [] }],
      summary: {
        operations: { confirmed: 1, drift: 1, untested: 1 },
        drifts: { path: 1, status: 0, 'error-code': 0, 'field-missing': 0, 'field-unknown': 0, 'field-type': 0, 'enum-value': 0 },
        webhookDrifts: 0,
      },
    },
  },
  getReconciliationReport: {
    params: { runId: RUN_ID },
    query: { limit: 100 },
    response: {
      runId: RUN_ID,
      status: 'COMPLETED',
      phase: 'done',
      trigger: 'schedule',
      requestedAt: AT,
      finishedAt: '2026-01-24T10:16:10Z',
      window: { from: '2026-01-24T09:15:00Z', to: AT },
      counts: { matched: 42, missingHere: 1 },
      discrepancyCount: 1,
      discrepancies: [{ class: 'missingHere', type: 'TRANSFER', id: UUID(4), ours: null, theirs: { status: 'SUCCESSFUL' }, repaired: true, at: AT }],
    },
  },
  startReconciliation: {
    response: { runId: RUN_ID, status: 'RUNNING', phase: 'pending', alreadyRunning: false, report: `/operations/reconciliation/reports/${RUN_ID}` },
  },
  // The operator console's reads (shared/catalog/console.ts).
  listReconciliationRuns: {
    query: { limit: 20 },
    response: {
      items: [
        {
          runId: RUN_ID,
          status: 'COMPLETED',
          phase: 'done',
          trigger: 'schedule',
          requestedAt: AT,
          finishedAt: '2026-01-24T10:16:10Z',
          counts: { matched: 42, 'missing-here': 1 },
          discrepancyCount: 1,
        },
      ],
      more: false,
    },
  },
  getOperationsOverview: {
    response: {
      generatedAt: AT,
      lastRun: { runId: RUN_ID, status: 'COMPLETED', finishedAt: AT, matched: 42, repaired: 1, discrepancyCount: 1, byClass: { 'missing-here': 1 } },
      intake: { since: '2026-01-23T10:15:00Z', received: 120, processed: 118, dead: 1, pending: 1 },
      contract: { available: true, checkedAt: AT, driftedOperations: 0, findings: 0 },
    },
  },
  getInboxEvent: {
    params: { eventId: EVENT_ID },
    response: {
      eventId: EVENT_ID,
      webhook: 'p2pTransfer',
      entityId: UUID(4),
      status: 'SUCCESSFUL',
      state: 'PROCESSED',
      receivedAt: AT,
      deliveries: 2,
      envelope: 'flat',
      hasSealedFields: false,
      outcome: { applied: true, previousStatus: 'PENDING', at: AT },
      published: true,
      processedAt: AT,
      payload: { id: UUID(4), status: 'SUCCESSFUL' },
    },
  },
  getTimeline: {
    params: { subject: 'operation', id: UUID(4) },
    response: {
      subject: { kind: 'operation', id: UUID(4) },
      entries: [
        {
          at: AT,
          kind: 'request',
          title: 'createTransfer requested (Idempotency-Key order-1234)',
          ref: { operationId: 'createTransfer', idempotencyKey: 'order-1234' },
        },
        { at: AT, kind: 'ledger', title: `TRANSFER ${UUID(4)}: PENDING`, detail: { source: 'api' }, ref: { operation: `TRANSFER:${UUID(4)}` } },
        { at: AT, kind: 'webhook', title: 'p2pTransfer SUCCESSFUL received', detail: { state: 'PROCESSED', deliveries: 1 }, ref: { eventId: EVENT_ID } },
        {
          at: AT,
          kind: 'operator',
          title: 'jane.ops: replay of p2pTransfer SUCCESSFUL (was DEAD)',
          detail: { actor: 'jane.ops', action: 'replay' },
          ref: { eventId: EVENT_ID },
        },
      ],
      total: 4,
      offset: 0,
      truncated: false,
    },
  },
  listExceptions: {
    query: { state: 'active', limit: 25 },
    response: {
      asOf: AT,
      items: [EXCEPTION],
      total: 1,
      totalIsLowerBound: false,
      byState: { acknowledged: 1 },
    },
  },
  getException: {
    params: { exceptionId: EXCEPTION.exceptionId },
    response: { ...EXCEPTION, audit: [EXCEPTION_AUDIT] },
  },
  changeException: {
    params: { exceptionId: EXCEPTION.exceptionId },
    body: { action: 'acknowledge', note: 'P100 support ticket 4711 opened', version: 2 },
    response: { ...EXCEPTION, audit: [EXCEPTION_AUDIT] },
  },
};
