import { z } from 'zod';
import type { Router } from '../http/router.js';
import { ok } from '../http/types.js';
import { parseControl } from './core.js';

/** Drift mode (../drift.ts): add rules, list them, clear them. */

const routeKey = z.string().regex(/^(GET|POST|PUT|PATCH|DELETE) \/v1\/\S*$/, 'a route key such as "GET /v1/partner/balances"');
const field = z.string().min(1).max(200);
const jsonType = z.enum(['string', 'number', 'boolean', 'object', 'array', 'null']);

const driftSchema = z
  .object({
    moves: z.array(z.object({ route: routeKey, to: z.string().regex(/^\/\S+$/) }).strict()).optional(),
    fields: z
      .array(
        z.discriminatedUnion('op', [
          z.object({ route: routeKey, op: z.literal('drop'), field }).strict(),
          z.object({ route: routeKey, op: z.literal('rename'), field, to: z.string().min(1) }).strict(),
          z.object({ route: routeKey, op: z.literal('retype'), field, type: jsonType }).strict(),
          z.object({ route: routeKey, op: z.literal('add'), field, value: z.unknown() }).strict(),
          z.object({ route: routeKey, op: z.literal('set'), field, value: z.unknown() }).strict(),
        ]),
      )
      .optional(),
    statuses: z.array(z.object({ route: routeKey, status: z.number().int().min(200).max(299) }).strict()).optional(),
    errorCodes: z.array(z.object({ from: z.string().min(1), to: z.string().min(1) }).strict()).optional(),
    webhookStatuses: z.array(z.object({ path: z.string().regex(/^\/webhook\/\S+$/), status: z.string().min(1) }).strict()).optional(),
    historyEntries: z.array(z.object({ route: routeKey, entries: z.array(z.unknown()).max(1000) }).strict()).optional(),
    entityAnswers: z
      .array(
        z.object({ route: routeKey, param: z.string().min(1).max(100), value: z.string().min(1).max(500), set: z.record(z.string(), z.unknown()) }).strict(),
      )
      .optional(),
  })
  .strict();

export function registerDriftControl(r: Router, apiRouteKeys: () => string[]): void {
  r.add('GET', '/_sandbox/drift', (ctx) => ok(ctx.sb.drift.config));
  r.add('POST', '/_sandbox/drift', (ctx) => {
    const patch = parseControl(driftSchema, ctx);
    const known = new Set(apiRouteKeys());
    for (const d of [
      ...(patch.moves ?? []),
      ...(patch.fields ?? []),
      ...(patch.statuses ?? []),
      ...(patch.historyEntries ?? []),
      ...(patch.entityAnswers ?? []),
    ]) {
      if (!known.has(d.route)) return ok({ error: `no P100 route ${d.route} (see GET /_sandbox/routes)` }, 400);
    }
    return ok(ctx.sb.drift.add(patch), 201);
  });
  r.add('DELETE', '/_sandbox/drift', (ctx) => {
    ctx.sb.drift.clear();
    return ok({ cleared: true });
  });
}
