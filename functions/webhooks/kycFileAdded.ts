import { webhookReceiver } from '../../shared/index.js';

export const handler = webhookReceiver('kycFileAdded');
