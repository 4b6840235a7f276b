import type { OperationInput, UpstreamRequestParts } from './types.js';

/**
 * Small `toUpstream` builders shared by catalog entries. Our routes carry the user (and card) in the path;
 * P100 often wants them in the JSON body or the query string instead.
 */

type Input = OperationInput<Record<string, string>, Record<string, unknown>, unknown>;

/** A path parameter after validation; its absence means the entry's route and schema disagree (a bug). */
export function pathParam(params: Record<string, string>, name: string): string {
  const v = params[name];
  if (v === undefined) throw new Error(`path parameter {${name}} is missing: the route and its params schema disagree`);
  return v;
}

function bodyObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/**
 * The JSON body P100 expects: the named path parameters copied in (optionally renamed), then the caller's body.
 *
 * @example
 * toUpstream: pathIntoBody({ externalUserId: 'sourceExternalUserId' }) // POST /v1/crypto-withdrawal
 */
export function pathIntoBody(fields: Record<string, string>): (input: Input) => UpstreamRequestParts {
  return ({ params, body }) => {
    const out: Record<string, unknown> = {};
    for (const [from, to] of Object.entries(fields)) out[to] = pathParam(params, from);
    return { body: { ...out, ...bodyObject(body) } };
  };
}

/** Query string for P100 GETs whose inputs we take as a POST body (exchange locks): path params first, then the body. */
export function pathAndBodyIntoQuery(fields: Record<string, string>): (input: Input) => UpstreamRequestParts {
  return ({ params, body }) => {
    const query: Record<string, string | undefined> = {};
    for (const [from, to] of Object.entries(fields)) query[to] = pathParam(params, from);
    for (const [k, v] of Object.entries(bodyObject(body))) query[k] = v === undefined ? undefined : String(v);
    return { query };
  };
}
