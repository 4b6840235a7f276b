import { webhookReceiver } from '../../shared/index.js';

export const handler = await webhookReceiver('cryptoDeposit');
