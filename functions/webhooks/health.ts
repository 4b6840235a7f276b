import { webhookHealthHandler } from '../../shared/index.js';

export const handler = webhookHealthHandler();
