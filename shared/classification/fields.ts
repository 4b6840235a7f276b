/**
 * The data classification, as data (ARCHITECTURE.md "Sensitive data"): every field the suite receives,
 * stores, logs or publishes, by name. A name means the same thing wherever it appears (request, response,
 * webhook, ledger), so the table is keyed by field name; names match case-insensitively with `-`/`_`
 * ignored (`sender_iban` is `senderIban`). test/unit/classification.test.ts walks every catalog schema and
 * every webhook's known fields and fails on a name missing here.
 *
 * | class    | what                                                    | at rest                         |
 * |----------|---------------------------------------------------------|---------------------------------|
 * | secret   | PIN, CVV, full PAN, card expiry, 3DS/activation codes, API key, webhook token | never: dropped; a PAN as 6+4; codes sealed only where they must be delivered |
 * | personal | IBAN, document number, PESEL/identification number, birth date, names, e-mail, phone, address, wallet address | sealed or masked; operator views masked |
 * | public   | ids, amounts, currencies, statuses, timestamps, free text | as is, but every string is scanned by value (./detect.ts) |
 */

export type DataClass = 'secret' | 'personal' | 'public';

export type SecretKind = 'pin' | 'cvv' | 'pan' | 'card-expiry' | 'one-time-code' | 'credential';
export type PersonalKind =
  | 'iban'
  | 'document-number'
  | 'document-date'
  | 'national-id'
  | 'birth-date'
  | 'name'
  | 'email'
  | 'phone'
  | 'address'
  | 'wallet-address';
/** `text`: free text a person typed (titles, merchant names, notes): public, but the first place a PAN or IBAN hides. */
export type PublicKind = 'id' | 'text' | 'value';

export type FieldClassification =
  | { field: string; class: 'secret'; kind: SecretKind }
  | { field: string; class: 'personal'; kind: PersonalKind }
  | { field: string; class: 'public'; kind: PublicKind };

const secret = (kind: SecretKind, ...fields: string[]): FieldClassification[] => fields.map((field) => ({ field, class: 'secret', kind }));
const personal = (kind: PersonalKind, ...fields: string[]): FieldClassification[] => fields.map((field) => ({ field, class: 'personal', kind }));
const pub = (kind: PublicKind, ...fields: string[]): FieldClassification[] => fields.map((field) => ({ field, class: 'public', kind }));

export const FIELD_CLASSIFICATION: readonly FieldClassification[] = [
  // ---- secret: never at rest in clear, never in logs
  ...secret('pin', 'pin'),
  ...secret('cvv', 'cvv', 'cvc'),
  ...secret('pan', 'cardNumber', 'pan'),
  ...secret('card-expiry', 'exp', 'expiry'),
  ...secret('one-time-code', 'code', 'activationCode', 'threeDsCode'),
  ...secret('credential', 'apiKey', 'x-api-key', 'authorization', 'token', 'webhookToken', 'password', 'secret', 'secretString'),
  // A presigned upload URL is a bearer capability (anyone holding it may upload as the user until it expires).
  ...secret('credential', 'url'),
  // ---- personal: sealed or masked at rest, masked in operator views and events
  ...personal('iban', 'iban', 'destinationIban', 'senderIban'),
  ...personal('document-number', 'documentNumber'),
  ...personal('document-date', 'documentExpiryDate'),
  // A VAT id of a sole trader is the person's tax id (travel-rule data): personal.
  ...personal('national-id', 'pesel', 'userIdentificationNumber', 'vatId'),
  ...personal('birth-date', 'birthDate'),
  ...personal('name', 'firstName', 'lastName', 'receiverFirstName', 'receiverLastName', 'senderName', 'accountHolder'),
  ...personal('email', 'email', 'sourceEmail', 'destinationEmail'),
  ...personal('phone', 'phone'),
  ...personal('address', 'address', 'street', 'number', 'city', 'postCode'),
  ...personal('wallet-address', 'walletAddress'),
  // ---- public: ids
  ...pub(
    'id',
    'id',
    'externalUserId',
    'sourceExternalUserId',
    'destinationExternalUserId',
    'userId',
    'cardId',
    'transferId',
    'exchangeId',
    'withdrawalId',
    'cryptoDepositId',
    'depositId',
    'transactionId',
    'verificationId',
    'lockId',
    'uploadId',
    'uploadIds',
    'eventId',
    'previousOccurrence',
    'eventIds',
    'entityId',
    'runId',
    'referenceId',
    'transactionHash',
    'key',
    'cursor',
    'nextCursor',
  ),
  // ---- public: free text (scanned by value before it rests or travels)
  ...pub(
    'text',
    'title',
    'transferTitle',
    'merchantName',
    'label',
    'memo',
    'note',
    'message',
    'reason',
    'deadReason',
    'error',
    'fileName',
    'companyName',
    'name',
  ),
  // ---- public: values, flags, structure
  ...pub(
    'value',
    // money and rates
    'amount',
    'amountTo',
    'fee',
    'feeWithdrawal',
    'networkFee',
    'rate',
    'minDeposit',
    'minWithdrawal',
    'currency',
    'currencyFrom',
    'currencyTo',
    'dailyTrxAll',
    'dailyTrxAtm',
    'dailyTrxEcom',
    'monthlyTrxAll',
    'monthlyTrxAtm',
    'monthlyTrxEcom',
    // statuses, types, flags
    'status',
    'previousStatus',
    'state',
    'type',
    'class',
    'direction',
    'outcome',
    'applied',
    'repaired',
    'replayed',
    'published',
    'enqueued',
    'alreadyRunning',
    'more',
    'hasSealedFields',
    'hasAcceptedP100Tc',
    'iAmOwnerOfWallet',
    'poaRequired',
    'poaRequiredForExtended',
    'mainnet',
    'receiverType',
    'walletType',
    'documentType',
    'fileType',
    'contentType',
    'purpose',
    'trigger',
    'phase',
    'envelope',
    'eventType',
    'event_type',
    'webhook',
    'network',
    'infoCode',
    'method',
    // countries and codes that identify nobody on their own (ASSUMPTIONS.md H12)
    'country',
    'citizenship',
    'nationality',
    'birthCountry',
    'documentIssuingCountry',
    'swift',
    'cardLastDigits',
    // times
    'at',
    'createdAt',
    'updatedAt',
    'expiresAt',
    'receivedAt',
    'processedAt',
    'replayedAt',
    'generatedAt',
    'since',
    'finishedAt',
    'requestedAt',
    'from',
    'to',
    // paging and counts
    'limit',
    'page',
    'pageSize',
    'size',
    'maxBytes',
    'totalItems',
    'totalPages',
    'deliveries',
    'replays',
    'occurrence',
    'flag',
    'discrepancyCount',
    'count',
    'counts',
    // the operator console (shared/catalog/console.ts): figures and timeline structure
    'byClass',
    'matched',
    'received',
    'processed',
    'dead',
    'pending',
    'truncated',
    'kind',
    'before',
    'subject',
    'total',
    'offset',
    'prevCursor',
    'asOf',
    'available',
    'checkedAt',
    'driftedOperations',
    'findings',
    // the exception queue and the operators' audit trail (issue 26): operator names are staff ids, and any
    // e-mail among them is masked by the free-text detectors like every other string
    'exceptionId',
    'firstSeen',
    'lastSeen',
    'firstRunId',
    'lastRunId',
    'owner',
    'actor',
    'action',
    'updatedBy',
    'version',
    'byState',
    'totalIsLowerBound',
    'differs',
    'compared',
    'replay',
    'todo',
    'runbook',
    // containers (their members are classified by their own names)
    'data',
    'payload',
    'details',
    'detail',
    'ref',
    'entries',
    'intake',
    'contract',
    'advice',
    'audit',
    'diff',
    'lastRun',
    'user',
    'wallet',
    'deposit',
    'withdrawal',
    'report',
    'window',
    'networkConfig',
    'balances',
    'fiatBalances',
    'cryptoBalances',
    'cards',
    'items',
    'transactions',
    'discrepancies',
    'ours',
    'theirs',
    'headers',
    'account',
    // the KYC provider's redirect (P100 hands it out for the user to open; no credential of ours)
    'redirectUrl',
    // P100's state of a user's POA (ASSUMPTIONS F16) and the code of a failure (F13)
    'poaStatus',
    'errorCode',
    // contract reports (issue 16): ids, field paths and request lines, already masked by value (shared/contract/)
    'operationId',
    'operations',
    'assumptions',
    'baseUrl',
    'mode',
    'startedAt',
    'kind',
    'field',
    'path',
    'drifts',
    'webhookDrifts',
    'webhooks',
    'events',
    'summary',
    'suggestedOverrides',
    'leftBehind',
  ),
  // contract reports: sentences and request lines built from masked parts (scanned by value again)
  ...pub('text', 'detail', 'evidence', 'requests'),
];

/** Field names that only ever occur in log context (request plumbing), redacted there as secrets are. */
export const LOG_ONLY_SENSITIVE_KEYS: readonly string[] = ['file', 'files', 'fileContent', 'content', 'base64', 'body', 'rawBody'];

export const normaliseFieldName = (k: string): string => k.toLowerCase().replace(/[-_]/g, '');

const byName = new Map<string, FieldClassification>();
for (const c of FIELD_CLASSIFICATION) {
  const k = normaliseFieldName(c.field);
  const prev = byName.get(k);
  if (prev && prev.class !== c.class) throw new Error(`classification: "${c.field}" is classed twice (${prev.class}, ${c.class})`);
  byName.set(k, c);
}

/** The classification of a field name, or undefined when the table does not know it (treated by value). */
export function classify(field: string): FieldClassification | undefined {
  return byName.get(normaliseFieldName(field));
}

/** The class of a field; `public` for names the table does not know (their values are still scanned). */
export function classOf(field: string): DataClass {
  return classify(field)?.class ?? 'public';
}

/** The fields of one class. */
export function fieldsOfClass(cls: DataClass): string[] {
  return FIELD_CLASSIFICATION.filter((c) => c.class === cls).map((c) => c.field);
}

/**
 * Every field each P100 webhook is known to carry (webhooks.md §2 and the sandbox's payloads; ASSUMPTIONS.md
 * §E), beside the catalog's routing fields. Unknown extra fields are expected too: they are scanned by value.
 */
export const WEBHOOK_FIELDS: Readonly<Record<string, readonly string[]>> = {
  userStatus: ['externalUserId', 'status'],
  kycFileAdded: ['externalUserId', 'fileType', 'status', 'error'],
  poaVerificationStatus: ['externalUserId', 'status'],
  kycVerificationStatus: ['externalUserId', 'verificationId', 'status'],
  p2pTransfer: ['id', 'sourceExternalUserId', 'destinationExternalUserId', 'amount', 'currency', 'status', 'createdAt'],
  sepaTransfer: [
    'id',
    'type',
    'amount',
    'transferTitle',
    'destinationIban',
    'receiverFirstName',
    'receiverLastName',
    'status',
    'currency',
    'fee',
    'createdAt',
    'error',
    'externalUserId',
  ],
  sepaDeposit: ['id', 'externalUserId', 'amount', 'currency', 'senderName', 'senderIban', 'title', 'status', 'createdAt'],
  cryptoWithdrawal: ['withdrawalId', 'externalUserId', 'currency', 'network', 'amount', 'status', 'transactionHash', 'createdAt'],
  cryptoDeposit: ['externalUserId', 'cryptoDepositId', 'amount', 'currency', 'status', 'transactionHash', 'createdAt'],
  exchange: ['exchangeId', 'externalUserId', 'currencyFrom', 'currencyTo', 'amount', 'amountTo', 'rate', 'status', 'createdAt'],
  cardTransaction: ['transactionId', 'externalUserId', 'cardId', 'amount', 'currency', 'merchantName', 'status', 'createdAt'],
  card3dsCode: ['externalUserId', 'cardId', 'code', 'expiresAt'],
  cardActivationCode: ['externalUserId', 'cardId', 'code'],
  ibanStatus: ['depositId', 'externalUserId', 'iban', 'senderName', 'status', 'amount', 'currency', 'createdAt'],
};

/** The non-public fields a webhook is known to carry (what the catalog's `secretFields` must list). */
export function sensitiveWebhookFields(webhook: string): string[] {
  return (WEBHOOK_FIELDS[webhook] ?? []).filter((f) => classOf(f) !== 'public');
}
