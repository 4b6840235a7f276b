import { z } from 'zod';
import type { Router } from '../http/router.js';
import { ok } from '../http/types.js';
import { parseControl } from './core.js';
import type { FaultRule } from '../faults/faults.js';

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
