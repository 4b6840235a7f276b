import { restView } from '../classification/rules.js';
import { eventPublisher } from '../events/index.js';
import { publishedEvent } from '../events/published.js';
import { getWebhook, type WebhookDefinition } from '../webhooks/catalog.js';
import { repairEventId } from '../webhooks/event.js';
import type { Lifecycle } from '../webhooks/lifecycles.js';
import type { WebhookEventDetail } from '../webhooks/processor.js';
import type { RunContext } from './context.js';

/**
 * A state reconciliation found at P100 but no webhook brought (or our own call set and nothing announced),
 * published as the SAME event consumers get from the webhook (its detail-type), with `source:
 * "reconciliation"` (shared/webhooks/EVENTS.md), so a consumer that missed SUSPENDED, REVERSED or APPROVED
 * sees it. The discrepancy event of the report still goes out for operators.
 *
 * `data` passes through the data classification's rest view, as a webhook's does (EVENTS.md).
 *
 * At least once: a run resumed after a crash may publish a repair again, under the same eventId.
 */
export async function publishRepair(
  ctx: RunContext,
  lc: Lifecycle,
  r: { entityId: string; status: string; previousStatus?: string; externalUserId?: string; data?: Record<string, unknown> },
): Promise<void> {
  const def: Pick<WebhookDefinition, 'name' | 'detailType' | 'secretFields'> & Partial<WebhookDefinition> = lc.webhook
    ? getWebhook(lc.webhook)
    : { name: lc.name, detailType: lc.detailType ?? `p100.${lc.name}.status-changed`, secretFields: [] };
  const eventId = repairEventId(def as WebhookDefinition, ctx.runId, r.entityId, r.status);
  const detail: WebhookEventDetail & { runId: string } = {
    version: '1',
    eventId,
    webhook: def.name,
    entityId: r.entityId,
    status: r.status,
    ...(r.previousStatus ? { previousStatus: r.previousStatus } : {}),
    ...(r.externalUserId ? { externalUserId: r.externalUserId } : {}),
    occurredAt: new Date().toISOString(),
    source: 'reconciliation',
    runId: ctx.runId,
    // What P100's details say travels as the classification allows (issue 12): personal fields masked, no secrets.
    data: restView(r.data ?? {}) as Record<string, unknown>,
  };
  await eventPublisher().publish([publishedEvent(def.detailType, { ...detail })]);
}
