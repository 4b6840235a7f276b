/**
 * Type-level checks, enforced by `tsc --noEmit` (this file is in tsconfig's include) and run by vitest:
 * no operation's output type holds `unknown` (or `any`) anywhere, response types are closed, statuses are the
 * lifecycle unions, and the published types (client/src/spec.ts) are the catalog's.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import type { listInboxEvents } from '../../shared/catalog/inbox.js';
import { operations } from '../../shared/catalog/index.js';
import { operationIds, type P100Client } from '../src/client.js';
import type * as Computed from '../src/computed.js';
import type { P100Event, P100EventOf } from '../src/events.js';
import type { Json, OperationId, OperationInput, OperationOutput, PagedOperationId } from '../src/types.js';

/** True when T holds no `unknown` at any depth: only then is it assignable to Json (unknown is not). */
type NoUnknown<T> = [T] extends [Json] ? true : false;
/** True when T is `any` (which Json would also accept). */
type IsAny<T> = 0 extends 1 & T ? true : false;
/** The operations whose output fails the check: must be none. */
type Offending = { [I in OperationId]: NoUnknown<OperationOutput<I>> extends true ? (IsAny<OperationOutput<I>> extends true ? I : never) : I }[OperationId];
/** The operations whose output has a string index signature: must be none. */
type Open = { [I in OperationId]: string extends keyof OperationOutput<I> ? I : never }[OperationId];

describe('the client types', () => {
  it('no operation output holds unknown or any, and none is open', () => {
    expectTypeOf<Offending>().toEqualTypeOf<never>();
    expectTypeOf<Open>().toEqualTypeOf<never>();
    // The checks are not vacuous: the raw zod output of a tolerant schema does hold unknown, under an index signature.
    type Raw = z.output<(typeof listInboxEvents)['response']>;
    expectTypeOf<NoUnknown<Raw>>().toEqualTypeOf<false>();
    expectTypeOf<string extends keyof Raw ? true : false>().toEqualTypeOf<true>();
  });

  it('keeps the schema types of named fields; statuses are the lifecycle unions', () => {
    expectTypeOf<OperationOutput<'getExchange'>['status']>().toEqualTypeOf<'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED'>();
    expectTypeOf<OperationOutput<'getTransfer'>['status']>().toEqualTypeOf<'PENDING' | 'PROCESSING' | 'SUCCESSFUL' | 'FAILED'>();
    expectTypeOf<OperationOutput<'createUploadUrl'>['method']>().toEqualTypeOf<'PUT'>();
    expectTypeOf<OperationOutput<'listInboxEvents'>['items'][number]['eventId']>().toEqualTypeOf<string>();
    expectTypeOf<OperationOutput<'getReconciliationReport'>['status']>().toEqualTypeOf<'RUNNING' | 'FINALIZING' | 'COMPLETED' | 'FAILED'>();
    expectTypeOf<OperationInput<'createExchange'>['path']>().toEqualTypeOf<{ externalUserId: string }>();
    expectTypeOf<OperationInput<'createExchange'>>().toHaveProperty('idempotencyKey');
    expectTypeOf<P100Client['getPartnerBalances']>().parameter(0).toEqualTypeOf<OperationInput<'getPartnerBalances'> | undefined>();
    // Paged lists are those with a cursor or page query (other entries may join them; these must be there).
    expectTypeOf<'getPartnerTransactions' | 'getUserTransactions' | 'listInboxEvents' | 'getReconciliationReport'>().toExtend<PagedOperationId>();
    expectTypeOf<Extract<PagedOperationId, 'getExchange' | 'createUser'>>().toEqualTypeOf<never>();
  });

  it('tells a KYC user balances from a non-KYC one', () => {
    type B = OperationOutput<'getUserBalances'>;
    const kind = (b: B) => ('balances' in b ? b.balances.length : b.fiatBalances.length + b.cryptoBalances.length);
    expectTypeOf(kind).returns.toEqualTypeOf<number>();
  });

  it('publishes the types it computes: client/src/spec.ts is the catalog expanded', () => {
    expectTypeOf<OperationOutput<'getExchange'>>().toEqualTypeOf<Computed.OperationOutput<'getExchange'>>();
    expectTypeOf<OperationOutput<'getUserBalances'>>().toEqualTypeOf<Computed.OperationOutput<'getUserBalances'>>();
    expectTypeOf<OperationId>().toEqualTypeOf<Computed.OperationId>();
    expectTypeOf<P100Event>().toEqualTypeOf<Computed.P100Event>();
  });

  it('narrows events by detail-type', () => {
    expectTypeOf<P100EventOf<'p100.exchange.status-changed'>['detail']['status']>().toEqualTypeOf<'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED'>();
    expectTypeOf<P100EventOf<'p100.card.3ds-code'>['detail']['data']['code']>().toEqualTypeOf<string | number>();
    expectTypeOf<P100Event['detailType']>().toEqualTypeOf<keyof typeof import('../../shared/events/published.js').publishedEvents>();
  });

  it('has one method per catalog operation, named as its operationId', () => {
    expect(operationIds()).toEqual(operations.map((o) => o.operationId));
  });
});
