import { z } from 'zod';
import type { Router } from '../http/router.js';
import { ControlError } from '../http/errors.js';
import { ok, type Ctx } from '../http/types.js';
import { applyConfigPatch, configPatchSchema, publicConfig } from '../config.js';
import { iso } from '../clock.js';

/** Control routes for the world itself: reset, config, clock, settlement, stats, health. */

export function parseControl<T>(schema: z.ZodType<T>, ctx: Ctx): T {
  const r = schema.safeParse(ctx.body);
  if (!r.success) throw new ControlError(400, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

export function registerCoreControl(r: Router, apiRoutes: () => string[]): void {
  r.add('GET', '/_sandbox/health', (ctx) => ok({ status: 'ok', now: ctx.sb.nowIso(), pendingSettlements: ctx.sb.scheduler.pending }));

  r.add('POST', '/_sandbox/reset', (ctx) => {
    const { seed } = parseControl(
      z
        .object({
          seed: z
            .number()
            .int()
            .min(0)
            .max(2 ** 32 - 1)
            .optional(),
        })
        .strict(),
      ctx,
    );
    ctx.sb.reset(seed);
    return ok({ reset: true, seed: ctx.sb.seed });
  });

  r.add('GET', '/_sandbox/config', (ctx) => ok(publicConfig(ctx.sb.config)));
  r.add('POST', '/_sandbox/config', (ctx) => {
    const patch = parseControl(configPatchSchema, ctx);
    applyConfigPatch(ctx.sb.config, patch);
    if (patch.rateLimit !== undefined) ctx.sb.limiter.configure(ctx.sb.config.rateLimit);
    if (patch.partnerIbans) for (const iban of patch.partnerIbans) ctx.sb.state.partner.whitelistedIbans.add(iban.replace(/\s+/g, '').toUpperCase());
    return ok(publicConfig(ctx.sb.config));
  });

  r.add('GET', '/_sandbox/clock', (ctx) => ok({ now: ctx.sb.nowIso(), offsetMs: ctx.sb.clock.offsetMs }));
  r.add('POST', '/_sandbox/clock/advance', (ctx) => {
    const { ms } = parseControl(
      z
        .object({
          ms: z
            .number()
            .int()
            .min(0)
            .max(10 * 365 * 24 * 3600 * 1000),
        })
        .strict(),
      ctx,
    );
    const now = ctx.sb.clock.advance(ms);
    const settled = ctx.sb.scheduler.runDue();
    return ok({ now: iso(now), offsetMs: ctx.sb.clock.offsetMs, settled });
  });

  r.add('POST', '/_sandbox/settle', (ctx) => ok({ settled: ctx.sb.scheduler.settleAll() }));

  r.add('GET', '/_sandbox/stats', (ctx) => {
    const routes = Object.fromEntries([...ctx.sb.stats.entries()].sort(([a], [b]) => a.localeCompare(b)));
    let total = 0;
    for (const n of ctx.sb.stats.values()) total += n;
    return ok({ total, routes });
  });
  r.add('DELETE', '/_sandbox/stats', (ctx) => {
    ctx.sb.stats.clear();
    return ok({ cleared: true });
  });

  r.add('GET', '/_sandbox/routes', () => ok({ routes: apiRoutes() }));
}
