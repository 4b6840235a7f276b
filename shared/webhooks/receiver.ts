import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ENV, readEnv } from '../config/env.js';
import { messageQueue } from '../events/index.js';
import { problemErrors, requestContext } from '../http/middlewares.js';
import { HttpProblem } from '../http/problem.js';
import { logger } from '../log/logger.js';
import { protectWebhookEntity } from '../classification/rules.js';
import { dataKeyRing, hmacWith, prefetchDataKey } from '../secrets/data-key.js';
import { secretCache } from '../secrets/index.js';
import { documentClient } from '../store/client.js';
import { storeInboxEvent, type InboxEvent } from '../store/inbox.js';
import { getWebhook, webhookProcessingOf, type WebhookDefinition } from './catalog.js';
import { decodeWebhookBody, dedupKey, parseWebhookBody } from './event.js';
import { entityRef, entityVersion } from './entity.js';
import { countWebhookMetric } from './metrics.js';
import { sealVersion, sealWithDataKey, unseal, unsealWithDataKey, UnsealError } from './seal.js';
import { SMOKE_HEADER, smokeEventKey, verifySmokeMarker } from './smoke.js';
import { WebhookTokenVerifier, type WebhookTokenSet } from './token.js';
import { safeIdOrDigest, safeStatusProblem } from '../safe-id.js';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

function tokenSecretId(): string {
  const id = readEnv(ENV.webhookTokenSecretId);
  if (!id) throw new Error(`${ENV.webhookTokenSecretId} is not set`);
  return id;
}

let verifier: WebhookTokenVerifier | undefined;

/** The container's verifier: webhook token from Secrets Manager (never the API key), refresh rate-limited. */
export function webhookTokenVerifier(): WebhookTokenVerifier {
  verifier ??= new WebhookTokenVerifier({ load: () => secretCache().get(tokenSecretId()), refresh: () => secretCache().refresh(tokenSecretId()) });
  return verifier;
}

/** Replaces the container's verifier (tests); `undefined` makes the next call build a fresh one. */
export function setWebhookTokenVerifier(v: WebhookTokenVerifier | undefined): void {
  verifier = v;
}

/** The current webhook token set (the processor opens sealed fields with it). */
export function webhookTokens(): Promise<WebhookTokenSet> {
  return webhookTokenVerifier().tokens();
}

/** The SQS message the receivers send: only the inbox key; the event itself stays in the inbox. */
export interface WebhookQueueMessage {
  eventId: string;
  webhook: string;
}

const json = (status: number, body: unknown): Result => ({ statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function receive(def: WebhookDefinition, event: Event): Promise<Result> {
  const header = event.headers?.authorization;
  if (!(await webhookTokenVerifier().verify(header))) {
    countWebhookMetric('WebhookUnauthorized', def.name);
    logger.warn('WebhookUnauthorized', { webhook: def.name, reason: header ? 'token mismatch' : 'no Authorization header' });
    throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'missing or wrong Authorization header');
  }
  const text = decodeWebhookBody(event.body, event.isBase64Encoded);
  const parsed = parseWebhookBody(def, text);
  const ring = await dataKeyRing();
  // A smoke event (npm run smoke; smoke.ts says why only the data key's holder can mark one): a marker that
  // does not verify is refused, never read as "no marker", so it can neither pass nor hide anything.
  const marker = event.headers?.[SMOKE_HEADER];
  const smoke = marker !== undefined;
  if (smoke && !verifySmokeMarker(ring, def.name, text, marker)) {
    logger.warn('webhook smoke marker does not verify; refused', { webhook: def.name });
    throw new HttpProblem(400, 'smoke-marker', 'Invalid smoke marker', `the ${SMOKE_HEADER} header does not match this body (P100 never sends it)`);
  }
  // The classification, before anything rests (issue 12): secrets dropped (a PAN as 6+4) unless this webhook
  // must deliver them (card codes: sealed), personal fields sealed with a masked copy in clear, and every other
  // value scanned for PANs and IBANs. The dedup key is a keyed HMAC of the whole entity and its occurrence (E9).
  const { clear, toSeal, dropped } = protectWebhookEntity(parsed.entity, webhookProcessingOf(def.name).deliverSecretFields);
  if (dropped.length) logger.warn('webhook carried secret fields; dropped before storing', { webhook: def.name, fields: dropped });
  const hmac = smoke ? smokeEventKey(ring.current) : (d: string) => hmacWith(ring.current, 'webhook-dedup', d);
  const keyOf = (occurrence: number) => dedupKey(def, parsed.entity, hmac, occurrence);
  const stored = await storeInboxEvent(
    {
      webhook: def.name,
      ...(parsed.entityId !== undefined ? { entityId: parsed.entityId } : {}),
      ...(parsed.status !== undefined ? { status: parsed.status } : {}),
      ...(parsed.externalUserId !== undefined ? { externalUserId: parsed.externalUserId } : {}),
      envelope: parsed.envelope,
      ...(parsed.eventType !== undefined ? { eventType: parsed.eventType } : {}),
      payload: JSON.stringify(clear),
      ...(Object.keys(toSeal).length ? { sealed: sealWithDataKey(ring, toSeal, sealAad(def.name, parsed.entityId)) } : {}),
      receivedAt: new Date().toISOString(),
      ...(smoke ? { smoke: true as const } : {}),
    },
    keyOf,
    // The same smoke body again is a redelivery of it: no ledger to consult.
    (existing) => (smoke ? Promise.resolve(true) : stillCurrent(def, existing, parsed.entity)),
  );
  const { eventId, state } = stored.event;
  // Ids and statuses as the safe-id rule lets them into a log line (issue 23): a hostile one by its digest.
  const fields = {
    webhook: def.name,
    eventId,
    ...(parsed.entityId !== undefined ? { entityId: safeIdOrDigest(parsed.entityId) } : {}),
    ...(parsed.status !== undefined ? { status: safeStatusProblem(parsed.status) ? safeIdOrDigest(`status:${parsed.status}`) : parsed.status } : {}),
    envelope: parsed.envelope,
    ...(smoke ? { smoke } : {}),
  };
  if (!stored.created && state !== 'RECEIVED') {
    countWebhookMetric('WebhookDuplicate', def.name);
    logger.info('webhook duplicate', { ...fields, state, deliveries: stored.event.deliveries });
    return json(200, { received: true, duplicate: true, eventId });
  }
  // New, or a redelivery of an event not yet processed: enqueue (again). If this throws, the answer is 500
  // and P100 delivers again; the redelivery finds the item still RECEIVED and enqueues it.
  //
  // There is no "enqueued" mark after the send (one DynamoDB round trip per new event instead of two,
  // bench B3): RECEIVED means "stored, maybe on the queue", and nothing needs to tell the two apart. A
  // redelivery of a RECEIVED item enqueues it once more, which is harmless: the processor takes a lease
  // per eventId, records one outcome on the inbox item and skips PROCESSED items, so a second message for
  // the same event applies nothing twice. What could be lost without the mark? Only an event whose send
  // failed and that P100 never delivers again; the operator's replayDeadInboxEvents picks up RECEIVED
  // items older than the dedup window for exactly that case (ASSUMPTIONS.md E8).
  const message: WebhookQueueMessage = { eventId, webhook: def.name };
  await messageQueue().send('webhook', [{ id: eventId, body: JSON.stringify(message) }]);
  countWebhookMetric('WebhookReceived', def.name);
  logger.info('webhook received', { ...fields, duplicate: !stored.created });
  return json(200, { received: true, duplicate: !stored.created, eventId });
}

/**
 * ASSUMPTIONS.md E9: an identical body is a redelivery of a processed event only while the entity is still
 * at the state version that event's decision left it at. Read only when a body comes again (bench B3).
 */
async function stillCurrent(def: WebhookDefinition, existing: InboxEvent, entity: Record<string, unknown>): Promise<boolean> {
  const recorded = existing.outcome?.version;
  if (recorded === undefined) return true;
  const now = await entityVersion(
    entityRef(def, {
      ...(existing.entityId ? { entityId: existing.entityId } : {}),
      ...(existing.externalUserId ? { externalUserId: existing.externalUserId } : {}),
      entity,
    }),
  );
  return now === undefined || now === recorded;
}

/** Additional data bound to a sealed value: it opens only for the event it was sealed for. */
export function sealAad(webhook: string, entityId: string | undefined): string {
  return `${webhook}:${entityId ?? ''}`;
}

/**
 * Opens an inbox item's sealed fields: v2 with the data key, v1 (items stored before issue 12) with the
 * webhook token set, fetched only when such an item turns up.
 */
export async function openSealedFields(sealed: string, aad: string): Promise<Record<string, unknown>> {
  switch (sealVersion(sealed)) {
    case 'v2':
      return unsealWithDataKey(await dataKeyRing(), sealed, aad);
    case 'v1':
      return unseal(await webhookTokens(), sealed, aad);
    case undefined:
      throw new UnsealError('sealed value of an unknown version');
  }
}

/**
 * Builds the Lambda handler of one webhook receiver: verify, parse once, store once, enqueue, 200. Awaited at
 * the top level of the entry file, so what every delivery needs is loaded during Lambda's init phase.
 *
 * @example
 * // functions/webhooks/exchange.ts
 * export const handler = await webhookReceiver('exchange');
 */
export async function webhookReceiver(name: string) {
  const def = getWebhook(name);
  const handler = middy<Event, Result>()
    .use(problemErrors(`webhook:${name}`, def.secretFields))
    .use(requestContext())
    .handler((event) => receive(def, event));
  // Init (issue 28): what every delivery needs, before the first one arrives: the token and the data key
  // (Secrets Manager), the DynamoDB client (the inbox put) and the SQS client (the enqueue).
  await Promise.all([secretCache().prefetch(readEnv(ENV.webhookTokenSecretId)), prefetchDataKey(), documentClient(), messageQueue().prepare?.()]);
  return handler;
}
