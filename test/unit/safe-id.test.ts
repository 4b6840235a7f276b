/**
 * The safe-id rule (shared/safe-id.ts, issue 23) and the time budget (shared/budget.ts): what passes, what
 * fails and why, and that a budget settles whatever the work does (a synchronous throw, a promise that never
 * settles).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, reasonOf, withinBudget } from '../../shared/budget.js';
import { forEachLimit } from '../../shared/reconcile/context.js';
import { assertSafeFields, isSafeId, safeIdOrDigest, safeIdProblem, safeStatusProblem, UnsafeP100ValueError, unsafeFields } from '../../shared/safe-id.js';

describe('safeIdProblem', () => {
  it.each([['8d0c5d3e-2f0a-4a7b-9d1e-0c1f2a3b4c5d'], ['bx-1'], ['Bx-1'], ['user.1@example'], ['a:b_c-d'], ['x'.repeat(128)]])('accepts %s', (id) => {
    expect(safeIdProblem(id)).toBeUndefined();
    expect(safeIdOrDigest(id)).toBe(id);
  });

  it.each([
    ['bx-1\u0000\r\nX-Injected: 1', 'control characters'],
    ['a\u2028b', 'control characters'],
    ['a/b', 'separators or other characters outside the safe set'],
    ['..', 'separators or other characters outside the safe set'],
    ['a%2Fb', 'separators or other characters outside the safe set'],
    ['a b', 'separators or other characters outside the safe set'],
    ['_x', 'separators or other characters outside the safe set'],
    ['caf\u00e9', 'non-ASCII characters'],
    ['cafe\u0301', 'non-ASCII characters'],
    ['x'.repeat(129), 'longer than 128 characters (129)'],
    ['', 'empty'],
    ['constructor', 'a prototype property name'],
    ['toString', 'a prototype property name'],
    ['__proto__', 'separators or other characters outside the safe set'],
    [12345, 'a number, not a string'],
    [true, 'a boolean, not a string'],
    [['a'], 'a array, not a string'],
    [{ a: 1 }, 'a object, not a string'],
    [null, 'missing'],
    [undefined, 'missing'],
  ])('refuses %j: %s', (id, reason) => {
    expect(safeIdProblem(id)).toBe(reason);
    expect(isSafeId(id)).toBe(false);
    expect(safeIdOrDigest(id)).toMatch(/^unsafe:[0-9a-f]{16}$/);
  });

  it('every safe id is one URL path segment once encoded, and every unsafe one gets a stable digest that is itself safe', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        if (isSafeId(s)) {
          expect(encodeURIComponent(s).includes('/')).toBe(false);
          expect(s === '.' || s === '..').toBe(false);
        } else {
          const d = safeIdOrDigest(s);
          expect(d).toBe(safeIdOrDigest(s));
          expect(isSafeId(d)).toBe(true);
        }
      }),
    );
  });
});

describe('statuses and fields', () => {
  it('a status is a word of at most 64 characters', () => {
    expect(safeStatusProblem('PENDING')).toBeUndefined();
    expect(safeStatusProblem('Z'.repeat(65))).toBe('longer than 64 characters (65)');
    expect(safeStatusProblem('COMPLETED\r\n')).toBe('control characters');
    expect(safeStatusProblem(7)).toBe('a number, not a string');
  });

  it('unsafeFields names each failing field; assertSafeFields throws them together', () => {
    const item = { id: 'ok-1', ref: 'a/b', user: null, status: 7 };
    expect(unsafeFields(item, { ids: ['id'], optionalIds: ['ref', 'user'], statuses: ['status'] })).toEqual([
      'ref: separators or other characters outside the safe set',
      'status: a number, not a string',
    ]);
    expect(() => assertSafeFields('answer', item, { statuses: ['status'] })).toThrow(UnsafeP100ValueError);
    expect(() => assertSafeFields('answer', item, { ids: ['id'] })).not.toThrow();
  });
});

describe('withinBudget', () => {
  it('returns what the work returns, and turns a synchronous throw into a rejection', async () => {
    await expect(withinBudget(1000, 'w', async () => 42)).resolves.toBe(42);
    await expect(
      withinBudget(1000, 'w', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
  });

  it('settles on a promise that nothing settles, and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const never = withinBudget(20, 'the never-settling work', (s) => {
      signal = s;
      return new Promise<never>(() => undefined);
    });
    await expect(never).rejects.toBeInstanceOf(BudgetExceededError);
    expect(signal?.aborted).toBe(true);
  });

  it('reasons are one printable line', () => {
    expect(reasonOf(new Error('a\r\nb\u0000c'))).toBe('Error: a b c');
  });
});

describe('forEachLimit', () => {
  it('returns only after every worker stopped, then throws the first failure', async () => {
    const done: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const run = forEachLimit([1, 2, 3, 4], 2, async (n) => {
      if (n === 1) throw new Error('one');
      if (n === 2) await gate;
      done.push(n);
    });
    let settled = false;
    void run.catch(() => undefined).finally(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    // Item 2 still runs: the failure of item 1 does not end the loop before it.
    expect(settled).toBe(false);
    release();
    await expect(run).rejects.toThrow('one');
    expect(done).toEqual([2]);
  });
});
