import type { CurrencyDef, NetworkConfig } from './currencies.js';
import type { HistoryEntry, HistoryIndex, OperationType } from './history.js';

/** The in-memory domain of the sandbox. Amounts are bigint minor units at the currency's scale. */
export interface Balance {
  id: string;
  currency: CurrencyDef;
  units: bigint;
  wallet: string | null;
  iban: string | null;
  status: 'ACTIVE' | 'WAITING_TO_BE_ACTIVATED';
}

export interface Account {
  /** `null` for the partner's own (master) account. */
  externalUserId: string | null;
  balances: Map<string, Balance>;
  history: HistoryIndex;
  /** IBANs this account may pay out to under SEPA level 1. */
  whitelistedIbans: Set<string>;
  /** Reference (`title`) of SEPA deposits into this account. */
  depositReference: string;
}

export type UserModel = 'KYC' | 'NON_KYC';
export type UserStatus = 'WAITING_FOR_VERIFICATION' | 'ACTIVE' | 'SUSPENDED';
export type PoaStatus = 'NONE' | 'WAITING' | 'APPROVED' | 'REJECTED' | 'QUESTIONED';
export type KycFileType = 'DOCUMENT_FRONT' | 'DOCUMENT_BACK' | 'SELFIE';
export type KycStatus = 'CREATED' | 'PENDING' | 'APPROVED' | 'REJECTED';

export interface KycVerification {
  verificationId: string;
  status: KycStatus;
  createdAt: number;
}

export interface User extends Account {
  externalUserId: string;
  userId: string;
  model: UserModel;
  status: UserStatus;
  /** Status to restore on unsuspend. */
  statusBeforeSuspend: UserStatus | null;
  deleted: boolean;
  extended: boolean;
  /** Activation (balances, IBAN, wallets) has been requested and is settling. */
  activationPending: boolean;
  profile: Record<string, string>;
  poaRequired: boolean;
  poaStatus: PoaStatus;
  kycFiles: Set<KycFileType>;
  kyc: KycVerification | null;
  /** Creation times of this user's cards (deleted ones included): the 24 h / 30 d / 12 month windows. */
  cardCreations: number[];
  createdAt: number;
}

export interface Partner extends Account {
  externalUserId: null;
}

export type CardStatus = 'ACTIVE' | 'LOCKED_BY_USER' | 'BLOCKED' | 'SUSPENDED' | 'DELETED';

export interface CardLimits {
  monthlyTrxAll: number;
  dailyTrxAll: number;
  monthlyTrxAtm: number;
  dailyTrxAtm: number;
  monthlyTrxEcom: number;
  dailyTrxEcom: number;
}

export interface Card {
  cardId: string;
  externalUserId: string;
  label: string;
  pin: string;
  cardNumber: string;
  cvv: string;
  exp: string;
  status: CardStatus;
  /** Status to restore when the owner is unsuspended. */
  statusBeforeSuspend: CardStatus | null;
  limits: CardLimits;
  createdAt: number;
}

export interface RateLock {
  lockId: string;
  /** `null` = a partner lock. */
  externalUserId: string | null;
  currencyFrom: CurrencyDef;
  currencyTo: CurrencyDef;
  amount: bigint;
  amountTo: bigint;
  rate: string;
  expiresAt: number;
  used: boolean;
}

interface OpBase {
  id: string;
  type: OperationType;
  status: string;
  amount: bigint;
  currency: CurrencyDef;
  /** The user whose balance moves; `null` for partner operations. */
  externalUserId: string | null;
  createdAt: number;
  updatedAt: number;
  /** History entries that mirror this operation (one per account it touches). */
  entries: HistoryEntry[];
}

export interface ExchangeOp extends OpBase {
  type: 'EXCHANGE';
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  currencyTo: CurrencyDef;
  amountTo: bigint;
  rate: string;
  fee: bigint;
}

export interface WithdrawalOp extends OpBase {
  type: 'CRYPTO_WITHDRAWAL';
  status: 'PENDING' | 'PROCESSING' | 'SUCCESSFUL' | 'FAILED';
  network: NetworkConfig;
  walletAddress: string;
  memo: string | null;
  fee: bigint;
  networkFee: bigint;
  transactionHash: string | null;
  errorCode: string | null;
}

export interface TransferOp extends OpBase {
  type: 'TRANSFER';
  status: 'PENDING' | 'SUCCESSFUL' | 'FAILED';
  sourceExternalUserId: string | null;
  destinationExternalUserId: string | null;
  errorCode: string | null;
}

export interface SepaTransferOp extends OpBase {
  type: 'SEPA_TRANSFER';
  status: 'PENDING' | 'PROCESSING' | 'SUCCESSFUL' | 'FAILED';
  fee: bigint;
  destinationIban: string;
  transferTitle: string;
  receiverType: 'NATURAL' | 'LEGAL' | null;
  receiverFirstName: string | null;
  receiverLastName: string | null;
  companyName: string | null;
  error: { description: string; status: string } | null;
}

export interface CryptoDepositOp extends OpBase {
  type: 'CRYPTO_DEPOSIT';
  status: 'WAITING_FOR_VERIFICATION' | 'WAITING_FOR_TR_DATA' | 'SUCCESSFUL' | 'UNSUCCESSFUL';
  network: NetworkConfig;
  transactionHash: string;
  travelRule: boolean;
  travelRuleData: Record<string, unknown> | null;
}

export interface SepaDepositOp extends OpBase {
  type: 'SEPA_DEPOSIT';
  status: 'PENDING' | 'SUCCESSFUL' | 'REJECTED';
  senderName: string;
  senderIban: string;
  title: string;
  ibanStatus: 'PENDING' | 'APPROVED' | 'REJECTED';
}

export interface CardTransactionOp extends OpBase {
  type: 'CARD_TRANSACTION';
  status: 'AUTHORIZED' | 'SETTLED' | 'DECLINED' | 'REVERSED';
  cardId: string;
  merchantName: string;
  /** Units taken from the balance (0 when declined); given back on reversal. */
  debited: bigint;
}

export type Operation = ExchangeOp | WithdrawalOp | TransferOp | SepaTransferOp | CryptoDepositOp | SepaDepositOp | CardTransactionOp;
