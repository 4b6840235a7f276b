import { z } from 'zod';
import type { Router } from '../http/router.js';
import { ok } from '../http/types.js';
import { parseControl } from './core.js';
import type { FaultRule } from '../faults/faults.js';
import { ControlError } from '../http/errors.js';
import { WebhookPaths } from '../webhooks/paths.js';
import { isWebhookName, mergeFields, webhookTemplate, type WebhookName } from '../webhooks/templates.js';

/** Fault injection on P100 routes and on webhook delivery, and the delivery log. */

const rate = z.number().min(0).max(1);
const faultSchema = z
  .object({
    route: z.string().optional(),
    errorRate: rate.optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    rate429: rate.optional(),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    rate500: rate.optional(),
    rateP501: rate.optional(),
    resetBeforeRate: rate.optional(),
    resetAfterRate: rate.optional(),
    times: z.number().int().min(1).optional(),
  })
  .strict();

function showRule(r: FaultRule): Record<string, unknown> {
  const { method: _m, segments: _s, ...rest } = r;
  return rest;
}

export function registerChaosControl(r: Router): void {
  r.add('GET', '/_sandbox/faults', (ctx) => ok({ faults: ctx.sb.faults.list().map(showRule) }));
  r.add('POST', '/_sandbox/faults', (ctx) => ok(showRule(ctx.sb.faults.add(parseControl(faultSchema, ctx))), 201));
  r.add('DELETE', '/_sandbox/faults', (ctx) => {
    ctx.sb.faults.clear();
    return ok({ cleared: true });
  });

  r.add('GET', '/_sandbox/webhooks/deliveries', (ctx) => {
    const list = ctx.sb.webhooks.list({ path: ctx.query.get('path'), status: ctx.query.get('status') });
    return ok({ total: list.length, deliveries: list });
  });
  r.add('GET', '/_sandbox/webhooks/faults', (ctx) => ok(ctx.sb.webhooks.faults));
  r.add('POST', '/_sandbox/webhooks/faults', (ctx) => {
    const f = parseControl(
      z
        .object({
          dropRate: rate.optional(),
          duplicateRate: rate.optional(),
          reorderRate: rate.optional(),
          reorderDelayMs: z.number().int().min(0).max(600_000).optional(),
        })
        .strict(),
      ctx,
    );
    Object.assign(ctx.sb.webhooks.faults, f);
    return ok(ctx.sb.webhooks.faults);
  });
}

/**
 * `POST /_sandbox/webhooks/trigger`: sends any webhook with any body. The body starts from the webhook's
 * template (webhooks/templates.ts) with `fields` merged over it and `omit` keys removed; `envelope: "wrapped"`
 * sends it as `{ event_type, data }`. Goes through the dispatcher like every other event (faults, retries,
 * the delivery log). `GET /_sandbox/webhooks/templates` shows every template.
 */
export function registerTriggerControl(r: Router): void {
  r.add('GET', '/_sandbox/webhooks/templates', (ctx) =>
    ok({
      webhooks: Object.fromEntries(
        Object.keys(WebhookPaths).map((n) => [n, { path: WebhookPaths[n as WebhookName], example: webhookTemplate(ctx.sb, n as WebhookName) }]),
      ),
    }),
  );
  r.add('POST', '/_sandbox/webhooks/trigger', (ctx) => {
    const input = parseControl(
      z
        .object({
          webhook: z.string(),
          fields: z.record(z.string(), z.unknown()).optional(),
          omit: z.array(z.string()).optional(),
          envelope: z.enum(['flat', 'wrapped']).optional(),
          eventType: z.string().min(1).max(100).optional(),
        })
        .strict(),
      ctx,
    );
    if (!isWebhookName(input.webhook)) throw new ControlError(400, `webhook must be one of ${Object.keys(WebhookPaths).join(', ')}`);
    const body = mergeFields(webhookTemplate(ctx.sb, input.webhook), input.fields ?? {});
    for (const k of input.omit ?? []) delete body[k];
    // A user-scoped template with no user yet: the caller must name one (a webhook about nobody tests nothing).
    if ('externalUserId' in body && body.externalUserId === undefined) delete body.externalUserId;
    const sent = input.envelope === 'wrapped' ? { event_type: input.eventType ?? input.webhook, data: body } : body;
    ctx.sb.emit(WebhookPaths[input.webhook], sent);
    return ok({ webhook: input.webhook, path: WebhookPaths[input.webhook], body: sent }, 201);
  });
}
