import type { z } from 'zod';
import type { CatalogOperation } from '../../shared/catalog/index.js';
import type { EVENT_SOURCE, PublishedDetail, PublishedDetailType } from '../../shared/events/published.js';

/**
 * The client's types, computed from the catalog's own entries (shared/catalog): one method per operationId,
 * its input from the request schemas and its output from the response schema the handler answers with. A
 * catalog entry added anywhere is a typed method after the next type-check (and, for the published package,
 * after `npm run build -w @p100-suite/client`, which expands these types into plain declarations: build.mjs).
 */

/** Any JSON value: what a free-form record's members really are on the wire. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Drops the index signature of a type that also has named members (zod's `looseObject` catch-all). */
type NamedOnly<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
/** True when T has at least one named member. */
type HasNamed<T> = [keyof NamedOnly<T>] extends [never] ? false : true;

/**
 * A response type as the client hands it out: closed. A tolerant schema's catch-all (`[x: string]: unknown`)
 * is dropped, so a misspelled field (`ex.stauts`) does not compile; the extra fields P100 adds are still there at
 * run time, untyped. A free-form record (only an index signature) stays a record of `Json`.
 */
export type Wire<T> = [Json] extends [T]
  ? Json
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? HasNamed<T> extends true
          ? { [K in keyof NamedOnly<T>]: Wire<NamedOnly<T>[K]> }
          : { [key: string]: Wire<T[keyof T & string]> }
        : T;

export type OperationId = CatalogOperation['operationId'];
export type OperationOf<I extends OperationId> = Extract<CatalogOperation, { operationId: I }>;

type Requests<I extends OperationId> = OperationOf<I>['request'];

/** An object type every field of which is optional (`{}` is what such a type accepts). */
// biome-ignore lint/complexity/noBannedTypes: `{} extends T` is the test for "every field of T is optional"
type Empty = {};

/** A part the caller may leave out when every field of it is optional. */
type Part<Name extends string, T> = Empty extends T ? { [K in Name]?: T } : { [K in Name]: T };

type PathPart<I extends OperationId> = Requests<I> extends { params: infer P extends z.ZodType } ? Part<'path', Wire<z.output<P>>> : unknown;
/** Query strings are typed as the handler reads them (a number stays a number; the client turns it into text). */
type QueryPart<I extends OperationId> = Requests<I> extends { query: infer Q extends z.ZodType } ? Part<'query', Wire<z.output<Q>>> : unknown;
type BodyPart<I extends OperationId> = Requests<I> extends { body: infer B extends z.ZodType } ? Part<'body', Wire<z.input<B>>> : unknown;

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
/** As Flatten, but anonymous: the checker prints its members, not an alias name (client/scripts/spec.ts). */
type Expand<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;

/** The request of one operation: `path`, `query`, `body` as its schemas say. */
export type OperationParts<I extends OperationId> = Flatten<PathPart<I> & QueryPart<I> & BodyPart<I>>;

/** The input of one operation: its request parts plus call options. */
export type OperationInput<I extends OperationId> = Flatten<PathPart<I> & QueryPart<I> & BodyPart<I> & CallOptions>;

/**
 * The status unions of the lifecycle tables (shared/webhooks/lifecycles.ts, published as the events'
 * `detail.status`, shared/events/published.ts), by the response field that carries them. P100's answer to a
 * read is the entity of that lifecycle; the suite's own states (UNKNOWN, RESOLVED) never reach a response.
 */
type StatusOf<T extends keyof typeof import('../../shared/events/published.js').publishedEvents> = PublishedDetail<T> extends { status: infer S } ? S : never;
interface StatusFields {
  getExchange: { status: StatusOf<'p100.exchange.status-changed'> };
  getTransfer: { status: StatusOf<'p100.transfer.status-changed'> };
  getCryptoWithdrawal: { status: StatusOf<'p100.crypto-withdrawal.status-changed'> };
  getSepaTransfer: { status: StatusOf<'p100.sepa-transfer.status-changed'> };
  getPartnerSepaTransfer: { status: StatusOf<'p100.sepa-transfer.status-changed'> };
  getKycStatus: { status: StatusOf<'p100.kyc-verification.status-changed'> };
  createKycVerification: { status: StatusOf<'p100.kyc-verification.status-changed'> };
  getUserBalances: { status: StatusOf<'p100.user.status-changed'>; poaStatus: StatusOf<'p100.poa-verification.status-changed'> };
}

/** `T` with the fields of `S` narrowed to their unions, optionality kept. */
type WithStatuses<T, S> = Flatten<{ [K in keyof T]: K extends keyof S ? (undefined extends T[K] ? S[K] | undefined : S[K]) : T[K] }>;

type Closed<I extends OperationId> = Wire<z.output<OperationOf<I>['response']>>;
type Narrowed<I extends OperationId> = I extends keyof StatusFields ? WithStatuses<Closed<I>, StatusFields[I]> : Closed<I>;

/**
 * A user's balances differ by the user's model (reference part 1 §4.6, ASSUMPTIONS U10): a KYC user has
 * `fiatBalances` and `cryptoBalances`, a user without KYC one `balances` list. `'balances' in b` tells them apart.
 */
type BalancesByModel<T> = T extends { balances?: infer L; fiatBalances?: infer F; cryptoBalances?: infer C }
  ?
      | Expand<Omit<T, 'balances' | 'fiatBalances' | 'cryptoBalances'> & { balances: NonNullable<L> }>
      | Expand<Omit<T, 'balances' | 'fiatBalances' | 'cryptoBalances'> & { fiatBalances: NonNullable<F>; cryptoBalances: NonNullable<C> }>
  : T;

/** The parsed 2xx answer of one operation: a closed object, statuses as unions, cases as discriminated unions. */
export type OperationOutput<I extends OperationId> = I extends 'getUserBalances' ? BalancesByModel<Narrowed<I>> : Narrowed<I>;

export type OperationMethod<I extends OperationId> =
  Empty extends OperationInput<I> ? (input?: OperationInput<I>) => Promise<OperationOutput<I>> : (input: OperationInput<I>) => Promise<OperationOutput<I>>;

/** The element type of the one array of a paged answer (`items`, `transactions`, `discrepancies`). */
export type PageItem<T> = { [K in keyof T]-?: NonNullable<T[K]> extends readonly (infer U)[] ? U : never }[keyof T];

/** Operations whose query takes a `cursor` or a `page`: the lists the client iterates. */
export type PagedOperationId = {
  [I in OperationId]: Requests<I> extends { query: infer Q extends z.ZodType }
    ? 'cursor' extends keyof z.output<Q>
      ? I
      : 'page' extends keyof z.output<Q>
        ? I
        : never
    : never;
}[OperationId];

export type PagedInput<I extends OperationId> = Flatten<
  Omit<OperationInput<I>, 'query'> & { query?: Omit<NonNullable<OperationInput<I> extends { query?: infer Q } ? Q : never>, 'cursor' | 'page'> }
>;

export type Operations = { [I in OperationId]: OperationMethod<I> };

export type Paginators = {
  [I in PagedOperationId]: (input: PagedInput<I>) => AsyncIterable<PageItem<OperationOutput<I>>>;
};

/** An event the suite publishes (shared/events/published.ts), closed as responses are, narrowed by `detailType`. */
export type P100Event = {
  [T in PublishedDetailType]: { detailType: T; source: typeof EVENT_SOURCE; detail: Wire<PublishedDetail<T>> };
}[PublishedDetailType];
