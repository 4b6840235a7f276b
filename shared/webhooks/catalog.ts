/**
 * The P100 webhooks we receive, one receiver function each (ARCHITECTURE.md "Webhooks").
 * Paths are partner-side and overridable (WEBHOOK_PATH_OVERRIDES); see shared/p100/ASSUMPTIONS.md §E.
 */
export interface WebhookDefinition {
  /** Receiver name; also the entry file `functions/webhooks/<name>.ts`. */
  name: string;
  path: string;
  /** Where the path comes from: DOC/OLD-DOC (reference) or L (our choice, ASSUMPTIONS.md §E). */
  confidence: 'DOC' | 'OLD-DOC' | 'L';
  /** Field holding the id of the entity the event is about (dedup and ledger key). */
  entityIdField: string;
  /** Field holding the status, or null for one-shot events (codes). */
  statusField: string | null;
  /** Statuses after which nothing may change the entity (a late event never regresses them). */
  terminalStatuses: readonly string[];
  /** Order of non-terminal statuses: a later one may replace an earlier one, never the reverse. */
  progression: readonly string[];
  /** EventBridge detail-type of the onward event. */
  detailType: string;
  /** Fields that are one-time secrets or personal data: never logged; secrets never stored in clear. */
  secretFields: readonly string[];
}

export const webhooks: readonly WebhookDefinition[] = [
  { name: 'userStatus', path: '/webhook/user/status', confidence: 'DOC', entityIdField: 'externalUserId', statusField: 'status', terminalStatuses: [], progression: ['WAITING_FOR_VERIFICATION', 'ACTIVE', 'SUSPENDED'], detailType: 'p100.user.status-changed', secretFields: [] },
  { name: 'kycFileAdded', path: '/webhook/kyc-file/status', confidence: 'L', entityIdField: 'externalUserId', statusField: 'status', terminalStatuses: [], progression: ['ERROR', 'ADDED'], detailType: 'p100.kyc-file.status-changed', secretFields: [] },
  { name: 'poaVerificationStatus', path: '/webhook/poa-verification/status', confidence: 'OLD-DOC', entityIdField: 'externalUserId', statusField: 'status', terminalStatuses: ['APPROVED', 'REJECTED'], progression: ['WAITING', 'QUESTIONED'], detailType: 'p100.poa-verification.status-changed', secretFields: [] },
  { name: 'kycVerificationStatus', path: '/webhook/kyc-verification/status', confidence: 'L', entityIdField: 'externalUserId', statusField: 'status', terminalStatuses: ['APPROVED', 'REJECTED'], progression: ['CREATED', 'PENDING'], detailType: 'p100.kyc-verification.status-changed', secretFields: [] },
  { name: 'p2pTransfer', path: '/webhook/p2p-transfer/status', confidence: 'L', entityIdField: 'id', statusField: 'status', terminalStatuses: ['SUCCESSFUL', 'FAILED'], progression: ['PENDING', 'PROCESSING'], detailType: 'p100.transfer.status-changed', secretFields: [] },
  { name: 'sepaTransfer', path: '/webhook/sepa-transfer/status', confidence: 'L', entityIdField: 'id', statusField: 'status', terminalStatuses: ['SUCCESSFUL', 'FAILED'], progression: ['PENDING', 'PROCESSING'], detailType: 'p100.sepa-transfer.status-changed', secretFields: ['destinationIban'] },
  { name: 'sepaDeposit', path: '/webhook/sepa-deposit/status', confidence: 'L', entityIdField: 'id', statusField: 'status', terminalStatuses: ['SUCCESSFUL', 'FAILED'], progression: ['PENDING'], detailType: 'p100.sepa-deposit.status-changed', secretFields: ['senderIban'] },
  { name: 'cryptoWithdrawal', path: '/webhook/crypto-withdrawal/status', confidence: 'L', entityIdField: 'withdrawalId', statusField: 'status', terminalStatuses: ['SUCCESSFUL', 'FAILED'], progression: ['PENDING', 'PROCESSING'], detailType: 'p100.crypto-withdrawal.status-changed', secretFields: [] },
  { name: 'cryptoDeposit', path: '/webhook/crypto-deposit/status', confidence: 'L', entityIdField: 'cryptoDepositId', statusField: 'status', terminalStatuses: ['SUCCESSFUL', 'UNSUCCESSFUL'], progression: ['WAITING_FOR_VERIFICATION', 'WAITING_FOR_TR_DATA'], detailType: 'p100.crypto-deposit.status-changed', secretFields: [] },
  { name: 'exchange', path: '/webhook/exchange/status', confidence: 'L', entityIdField: 'exchangeId', statusField: 'status', terminalStatuses: ['COMPLETED', 'FAILED'], progression: ['PENDING', 'PROCESSING'], detailType: 'p100.exchange.status-changed', secretFields: [] },
  { name: 'cardTransaction', path: '/webhook/card/transaction', confidence: 'L', entityIdField: 'transactionId', statusField: 'status', terminalStatuses: ['SETTLED', 'DECLINED', 'REVERSED'], progression: ['AUTHORIZED'], detailType: 'p100.card-transaction.status-changed', secretFields: [] },
  { name: 'card3dsCode', path: '/webhook/card/3ds-code', confidence: 'L', entityIdField: 'cardId', statusField: null, terminalStatuses: [], progression: [], detailType: 'p100.card.3ds-code', secretFields: ['code'] },
  { name: 'cardActivationCode', path: '/webhook/card/activation-code', confidence: 'L', entityIdField: 'cardId', statusField: null, terminalStatuses: [], progression: [], detailType: 'p100.card.activation-code', secretFields: ['code'] },
  { name: 'ibanStatus', path: '/webhook/iban/status', confidence: 'L', entityIdField: 'depositId', statusField: 'status', terminalStatuses: ['APPROVED', 'REJECTED'], progression: ['PENDING'], detailType: 'p100.iban.status-changed', secretFields: ['iban'] },
];

/** The unauthenticated health route P100 may probe (DOC FAQ). */
export const webhookHealthPath = '/webhook/health';

export function webhookEntryFile(name: string): string {
  return `functions/webhooks/${name}.ts`;
}
