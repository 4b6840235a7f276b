import type { z } from 'zod';
import type { CatalogOperation } from '../../shared/catalog/index.js';

/**
 * The client's types, computed from the catalog's own entries (shared/catalog): one method per operationId,
 * its input from the request schemas and its output from the response schema the handler answers with. Nothing
 * here names an operation: a catalog entry added anywhere is a typed method after the next type-check.
 */

/** Any JSON value: what a tolerant response schema's unknown members really are on the wire. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * A response type as the client hands it out: `unknown` (the catch-all of a tolerant `looseObject`, a free-form
 * record) becomes `Json`, since the answer was JSON; every named field keeps its schema type.
 */
export type Wire<T> = unknown extends T
  ? Json
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

export type OperationId = CatalogOperation['operationId'];
export type OperationOf<I extends OperationId> = Extract<CatalogOperation, { operationId: I }>;

type Requests<I extends OperationId> = OperationOf<I>['request'];

/** An object type every field of which is optional (`{}` is what such a type accepts). */
// biome-ignore lint/complexity/noBannedTypes: `{} extends T` is the test for "every field of T is optional"
type Empty = {};

/** A part the caller may leave out when every field of it is optional. */
type Part<Name extends string, T> = Empty extends T ? { [K in Name]?: T } : { [K in Name]: T };

type PathPart<I extends OperationId> = Requests<I> extends { params: infer P extends z.ZodType } ? Part<'path', z.output<P>> : unknown;
/** Query strings are typed as the handler reads them (a number stays a number; the client turns it into text). */
type QueryPart<I extends OperationId> = Requests<I> extends { query: infer Q extends z.ZodType } ? Part<'query', z.output<Q>> : unknown;
type BodyPart<I extends OperationId> = Requests<I> extends { body: infer B extends z.ZodType } ? Part<'body', z.input<B>> : unknown;

export interface CallOptions {
  /** Overrides the Idempotency-Key of a write (default: a fresh UUID per call, kept across its retries). */
  idempotencyKey?: string;
  /** Cancels the call and its retries. */
  signal?: AbortSignal;
  /** Overrides the client's deadline for this call (ms, retries included). */
  deadlineMs?: number;
}

type Flatten<T> = { [K in keyof T]: T[K] };

/** The input of one operation: `path`, `query`, `body` as its schemas say, plus call options. */
export type OperationInput<I extends OperationId> = Flatten<PathPart<I> & QueryPart<I> & BodyPart<I> & CallOptions>;

/** The parsed 2xx answer of one operation. */
export type OperationOutput<I extends OperationId> = Wire<z.output<OperationOf<I>['response']>>;

export type OperationMethod<I extends OperationId> =
  Empty extends OperationInput<I> ? (input?: OperationInput<I>) => Promise<OperationOutput<I>> : (input: OperationInput<I>) => Promise<OperationOutput<I>>;

/** The element type of the one array of a paged answer (`items`, `transactions`, `discrepancies`). */
type Known<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]-?: T[K] };
export type PageItem<T> = { [K in keyof Known<T>]: NonNullable<Known<T>[K]> extends readonly (infer U)[] ? U : never }[keyof Known<T>];

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
  [I in PagedOperationId]: (input: PagedInput<I>) => AsyncIterable<Wire<PageItem<z.output<OperationOf<I>['response']>>>>;
};
