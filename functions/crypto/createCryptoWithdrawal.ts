import { getOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('createCryptoWithdrawal'));
