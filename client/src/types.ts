import type { Json, P100Event, Spec } from './spec.js';

/**
 * The client's public types, from client/src/spec.ts: the catalog's operations expanded into plain TypeScript
 * (client/scripts/spec.ts over client/src/computed.ts), so a company app type-checks against them under its own
 * flags without zod or this repository. Response types are closed objects: P100's extra fields are kept at run
 * time, untyped.
 */
export type { Json, P100Event, Spec };

export type OperationId = keyof Spec;

export interface CallOptions {
  /** Overrides the Idempotency-Key of a write (default: a fresh UUID per call, kept across its retries). */
  idempotencyKey?: string;
  /** Cancels the call and its retries: the call throws an `AbortError` (`signal.reason` as its cause). */
  signal?: AbortSignal;
  /** This call's time budget in ms, retries included (overrides the client's `timeout`); then a `DeadlineError`. */
  timeout?: number;
  /** Network failures retried for this call (overrides the client's `maxNetworkRetries`). */
  maxNetworkRetries?: number;
}

type Flatten<T> = { [K in keyof T]: T[K] };

/** The input of one operation: `path`, `query`, `body` as its schemas say, plus call options. */
export type OperationInput<I extends OperationId> = Flatten<Spec[I]['input'] & CallOptions>;

/** The parsed 2xx answer of one operation. */
export type OperationOutput<I extends OperationId> = Spec[I]['output'];

/** An object type every field of which is optional (`{}` is what such a type accepts). */
// biome-ignore lint/complexity/noBannedTypes: `{} extends T` is the test for "every field of T is optional"
type Empty = {};

export type OperationMethod<I extends OperationId> =
  Empty extends OperationInput<I> ? (input?: OperationInput<I>) => Promise<OperationOutput<I>> : (input: OperationInput<I>) => Promise<OperationOutput<I>>;

/** Operations the client iterates page by page (their query takes a `cursor` or a `page`). */
export type PagedOperationId = { [I in OperationId]: [Spec[I]['item']] extends [never] ? never : I }[OperationId];

export type PagedInput<I extends OperationId> = Flatten<
  Omit<OperationInput<I>, 'query'> & { query?: Omit<NonNullable<OperationInput<I> extends { query?: infer Q } ? Q : never>, 'cursor' | 'page'> }
>;

export type Operations = { [I in OperationId]: OperationMethod<I> };

export type Paginators = { [I in PagedOperationId]: (input: PagedInput<I>) => AsyncIterable<Spec[I]['item']> };

export type P100EventType = P100Event['detailType'];
export type P100EventOf<T extends P100EventType> = Extract<P100Event, { detailType: T }>;

/**
 * What a call learnt besides its answer, as AWS SDK v3's `$metadata`: `metadataOf(result)` gives it for any
 * result of a call (the answer itself is not wrapped).
 */
export interface ResponseMetadata {
  httpStatusCode: number;
  /** The suite's `x-request-id`: quote it when asking about this call (it finds the logs). */
  requestId: string | undefined;
  /** The Idempotency-Key the write went under (undefined for a read). */
  idempotencyKey: string | undefined;
  /** True when the suite answered with the stored answer of an earlier request under the same key. */
  idempotentReplayed: boolean;
  /** Requests sent, the first included. */
  attempts: number;
  /** Time spent waiting between attempts, in ms. */
  totalRetryDelayMs: number;
}
