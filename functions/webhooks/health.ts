import { webhookHealthHandler } from '../../shared/index.js';

const health = webhookHealthHandler();
// GET and HEAD (webhooks.md): a HEAD answer keeps status and headers and carries no body.
export const handler = async (event?: { requestContext?: { http?: { method?: string } } }) =>
  event?.requestContext?.http?.method === 'HEAD' ? { ...(await health()), body: '' } : health();
