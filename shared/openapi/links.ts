import type { Operation } from '../catalog/types.js';

/**
 * OpenAPI `links` from an operation that creates something to the operation that reads it, so a client
 * (or a reader) knows which field of the answer feeds which parameter. Runtime expressions per
 * OpenAPI 3.1 §4.8.20.4: `$response.body#/transferId`, `$request.path.externalUserId`.
 */
interface LinkSpec {
  name: string;
  operationId: string;
  parameters: Record<string, string>;
  description: string;
}

const fromPathUser = '$request.path.externalUserId';

export const LINKS: Readonly<Record<string, readonly LinkSpec[]>> = {
  createUser: [{ name: 'GetUserBalances', operationId: 'getUserBalances', parameters: { externalUserId: '$request.body#/externalUserId' }, description: "The new user's balances." }],
  createUserWithoutKyc: [{ name: 'GetUserBalances', operationId: 'getUserBalances', parameters: { externalUserId: '$request.body#/externalUserId' }, description: "The new user's balances." }],
  createKycVerification: [{ name: 'GetKycStatus', operationId: 'getKycStatus', parameters: { externalUserId: fromPathUser }, description: 'The status of this verification.' }],
  createExchange: [{ name: 'GetExchange', operationId: 'getExchange', parameters: { exchangeId: '$response.body#/exchangeId' }, description: 'The exchange, until it settles.' }],
  createPartnerExchange: [{ name: 'GetExchange', operationId: 'getExchange', parameters: { exchangeId: '$response.body#/exchangeId' }, description: 'The exchange, until it settles.' }],
  createCryptoWithdrawal: [{ name: 'GetCryptoWithdrawal', operationId: 'getCryptoWithdrawal', parameters: { withdrawalId: '$response.body#/withdrawalId' }, description: 'The withdrawal, until it settles.' }],
  createPartnerCryptoWithdrawal: [
    { name: 'GetCryptoWithdrawal', operationId: 'getCryptoWithdrawal', parameters: { withdrawalId: '$response.body#/withdrawalId' }, description: 'The withdrawal, until it settles.' },
  ],
  createTransfer: [{ name: 'GetTransfer', operationId: 'getTransfer', parameters: { transferId: '$response.body#/transferId' }, description: 'The transfer, until it settles.' }],
  createSepaTransfer: [{ name: 'GetSepaTransfer', operationId: 'getSepaTransfer', parameters: { transferId: '$response.body#/transferId' }, description: 'The SEPA transfer, until it settles.' }],
  createPartnerSepaTransfer: [
    { name: 'GetPartnerSepaTransfer', operationId: 'getPartnerSepaTransfer', parameters: { transferId: '$response.body#/transferId' }, description: 'The SEPA transfer, until it settles.' },
  ],
  createCard: [
    { name: 'GetCard', operationId: 'getCard', parameters: { externalUserId: fromPathUser, cardId: '$response.body#/cardId' }, description: 'The new card.' },
    { name: 'GetCardLimits', operationId: 'getCardLimits', parameters: { externalUserId: fromPathUser, cardId: '$response.body#/cardId' }, description: "The new card's limits." },
  ],
  startReconciliation: [
    { name: 'GetReconciliationReport', operationId: 'getReconciliationReport', parameters: { runId: '$response.body#/runId' }, description: 'The report of this run.' },
  ],
};

/** The `links` object of an operation's success response, or undefined. */
export function linksOf(op: Pick<Operation, 'operationId'>): Record<string, unknown> | undefined {
  const specs = LINKS[op.operationId];
  if (!specs) return undefined;
  return Object.fromEntries(specs.map((l) => [l.name, { operationId: l.operationId, parameters: l.parameters, description: l.description }]));
}
