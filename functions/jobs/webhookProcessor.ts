import { webhookProcessorHandler } from '../../shared/index.js';

export const handler = await webhookProcessorHandler();
