import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { webhookProcessing, webhooks } from '../../shared/webhooks/catalog.js';
import { dedupKey, jsonDepth, MAX_WEBHOOK_DEPTH, parseWebhookBody, repairEventId } from '../../shared/webhooks/event.js';
import {
  checkTransition,
  isFinalState,
  isValidPath,
  lifecycleOfOperation,
  lifecycles,
  operationLifecycle,
  predecessors,
} from '../../shared/webhooks/lifecycles.js';
import { HttpProblem } from '../../shared/http/problem.js';
import { sha256Hex } from '../../shared/webhooks/digest.js';

const REFERENCE = /^(webhooks\.md|endpoints-part[12]\.md|ASSUMPTIONS [A-Z]\d+|ASSUMPTIONS E \(|ASSUMPTIONS C\d+)/;

describe('lifecycle transition tables (shared/webhooks/lifecycles.ts)', () => {
  it('every edge joins two states of its lifecycle and cites the reference or an ASSUMPTIONS id', () => {
    for (const lc of Object.values(lifecycles)) {
      expect(lc.edges.length, lc.name).toBeGreaterThan(0);
      for (const e of lc.edges) {
        expect(lc.states, `${lc.name} ${e.from}→${e.to}`).toContain(e.from);
        expect(lc.states, `${lc.name} ${e.from}→${e.to}`).toContain(e.to);
        expect(e.source, `${lc.name} ${e.from}→${e.to}`).toMatch(REFERENCE);
      }
    }
  });

  it('every webhook with a status names a lifecycle, and every ledger operation type has one', () => {
    for (const w of webhooks) if (w.statusField) expect(w.lifecycle, w.name).toBeDefined();
    for (const [name, p] of Object.entries(webhookProcessing))
      if (p.ledger.kind === 'operation') expect(() => lifecycleOfOperation(p.ledger.kind === 'operation' ? p.ledger.type : ''), name).not.toThrow();
    expect(Object.keys(operationLifecycle)).toContain('CARD');
  });

  it('has the cycles and second chances the issue names as ordinary edges', () => {
    expect(checkTransition(lifecycles.userStatus, 'ACTIVE', 'SUSPENDED')).toBe('apply');
    expect(checkTransition(lifecycles.userStatus, 'SUSPENDED', 'ACTIVE')).toBe('apply');
    expect(checkTransition(lifecycles.card, 'ACTIVE', 'LOCKED_BY_USER')).toBe('apply');
    expect(checkTransition(lifecycles.card, 'LOCKED_BY_USER', 'ACTIVE')).toBe('apply');
    expect(checkTransition(lifecycles.cardTransaction, 'SETTLED', 'REVERSED')).toBe('apply');
    expect(isValidPath(lifecycles.poa, ['WAITING', 'REJECTED', 'WAITING', 'APPROVED'])).toBe(true);
    expect(isValidPath(lifecycles.cryptoDeposit, ['WAITING_FOR_VERIFICATION', 'WAITING_FOR_TR_DATA', 'WAITING_FOR_VERIFICATION', 'SUCCESSFUL'])).toBe(true);
  });

  it('refuses stale and impossible moves, and statuses it does not know', () => {
    expect(checkTransition(lifecycles.cardTransaction, 'SETTLED', 'AUTHORIZED')).toBe('invalid');
    expect(checkTransition(lifecycles.cardTransaction, 'REVERSED', 'SETTLED')).toBe('invalid');
    expect(checkTransition(lifecycles.kycVerification, 'REJECTED', 'APPROVED')).toBe('invalid');
    expect(checkTransition(lifecycles.poa, 'APPROVED', 'WAITING')).toBe('invalid');
    expect(checkTransition(lifecycles.userStatus, 'ACTIVE', 'ACTIVE')).toBe('equal');
    expect(checkTransition(lifecycles.userStatus, 'ACTIVE', 'Z'.repeat(10_000))).toBe('unknown-status');
    expect(checkTransition(lifecycles.exchange, undefined, 'COMPLETED')).toBe('apply');
    expect(isFinalState(lifecycles.cardTransaction, 'REVERSED')).toBe(true);
    expect(isFinalState(lifecycles.cardTransaction, 'SETTLED')).toBe(false);
    expect(predecessors(lifecycles.cardTransaction, 'REVERSED').sort()).toEqual(['AUTHORIZED', 'SETTLED', 'UNKNOWN']);
  });
});

describe('bounded webhook parser', () => {
  const def = webhooks.find((w) => w.name === 'userStatus');
  if (!def) throw new Error('userStatus missing');

  it('counts nesting without recursion, ignoring brackets inside strings', () => {
    expect(jsonDepth('{"a":"[[[[{{{{\\"]]"}')).toBe(1);
    expect(jsonDepth('{"a":[[1],[2,[3]]]}')).toBe(4);
    expect(jsonDepth(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(100_000);
  });

  it('refuses a body nesting 10,000 arrays with a 400 problem, never a stack overflow', () => {
    const raw = `{"externalUserId":"u","status":"ACTIVE","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    let thrown: unknown;
    try {
      parseWebhookBody(def, raw);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(HttpProblem);
    expect((thrown as HttpProblem).status).toBe(400);
  });

  it('never throws anything but a 4xx problem on arbitrary text, at any depth up to the limit and beyond (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json({ depthSize: 'large' }),
          fc.integer({ min: 1, max: 3 * MAX_WEBHOOK_DEPTH }).map((n) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`),
        ),
        (text) => {
          try {
            const p = parseWebhookBody(def, text);
            dedupKey(def, p.entity, (v) => v);
          } catch (e) {
            expect(e).toBeInstanceOf(HttpProblem);
            expect((e as HttpProblem).status).toBeGreaterThanOrEqual(400);
            expect((e as HttpProblem).status).toBeLessThan(500);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('dedup keys: one formula, one digest', () => {
  const def = webhooks.find((w) => w.name === 'userStatus');
  if (!def) throw new Error('userStatus missing');

  it('gives each occurrence of one body its own key, and passes everything through the keyed digest it is given', () => {
    const body = { externalUserId: 'u1', status: 'ACTIVE' };
    const sha = (t: string) => sha256Hex(t);
    const k0 = dedupKey(def, body, sha, 0);
    const k1 = dedupKey(def, body, sha, 1);
    expect(k0).toMatch(/^[0-9a-f]{64}$/);
    expect(k1).not.toBe(k0);
    expect(dedupKey(def, { status: 'ACTIVE', externalUserId: 'u1' }, sha, 0)).toBe(k0);
    const seen: string[] = [];
    const keyed = dedupKey(def, body, (text) => {
      seen.push(text);
      return `h:${text.length}`;
    });
    expect(keyed).toBe(`h:${seen[0]?.length}`);
    expect(repairEventId(def, 'run-1', 'u1', 'SUSPENDED', (t) => `h:${t.includes('run-1')}`)).toBe('h:true');
  });
});
