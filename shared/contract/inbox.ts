import { listInboxEvents } from '../store/inbox.js';
import type { ObservedWebhook } from './webhooks.js';

/**
 * The newest inbox events, up to `limit` (all states), as the passive webhook check reads them: webhook name and
 * stored payload only. One Query per page of the inbox's state index; nothing is written.
 */
export async function recentInboxWebhooks(limit = 500): Promise<ObservedWebhook[]> {
  const out: ObservedWebhook[] = [];
  let cursor: string | undefined;
  do {
    const page = await listInboxEvents({ limit: Math.min(100, limit - out.length), ...(cursor ? { cursor } : {}) });
    for (const e of page.items) out.push({ webhook: e.webhook, payload: e.payload });
    cursor = page.cursor;
  } while (cursor && out.length < limit);
  return out;
}
