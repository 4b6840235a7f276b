/**
 * The operator console's routes (shared/catalog/console.ts) over the local gateway, without a browser:
 * what they answer before anything happened, after webhooks and a reconciliation run, and that every bad
 * input is a 4xx problem+json. The local console site's file routes are checked here too.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../local/console-site.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';

let s: TestSuite;
let site: string;

async function deliverTx(id: string, status: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${s.api}/webhook/card/transaction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: s.webhookToken },
    body: JSON.stringify({ transactionId: id, externalUserId: 'cr-user', cardId: 'cr-card', amount: '3.10', currency: 'eur', status, ...extra }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { eventId: string }).eventId;
}

beforeAll(async () => {
  // A stand-in build: the routes serve whatever Vite wrote, so two files are enough to test them.
  site = mkdtempSync(path.join(tmpdir(), 'p100-console-site-'));
  mkdirSync(path.join(site, 'assets'));
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(site, 'assets', 'app.js'), 'export {};');
  s = await startTestSuite({ seed: 1818, extraRoutes: consoleRoutes(site) });
});

afterAll(async () => {
  await s?.close();
  rmSync(site, { recursive: true, force: true });
});

describe('before anything happened', () => {
  it('overview: no run yet (null), an empty intake', async () => {
    const r = await s.call('GET', '/operations/overview');
    expect(r.status, r.text).toBe(200);
    expect(r.body.lastRun).toBeNull();
    expect(r.body.intake).toMatchObject({ received: 0, processed: 0, dead: 0, pending: 0 });
  });

  it('runs: an empty list', async () => {
    const r = await s.call('GET', '/operations/reconciliation/runs');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ items: [], more: false });
  });
});

describe('after webhooks and two runs', () => {
  let eventId: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    eventId = await deliverTx('cr-tx-1', 'AUTHORIZED', { merchantName: 'rent DE89370400440532013000' });
    await s.local.queues.get('webhook')?.idle();
    for (let i = 0; i < 2; i++) {
      const started = await s.call('POST', '/operations/reconciliation/runs');
      expect(started.status, started.text).toBe(202);
      runIds.push(started.body.runId as string);
      await s.local.reconciliation.idle();
    }
  });

  it('runs: newest first, with counts once finished; `before` pages on', async () => {
    const r = await s.call('GET', '/operations/reconciliation/runs');
    expect(r.body.items.map((i: { runId: string }) => i.runId)).toEqual([...runIds].reverse());
    expect(r.body.items[0]).toMatchObject({ status: 'COMPLETED', counts: expect.any(Object) });
    const page = await s.call('GET', `/operations/reconciliation/runs?limit=1&before=${runIds[1]}`);
    expect(page.body.items.map((i: { runId: string }) => i.runId)).toEqual([runIds[0]]);
  });

  it('overview: the last run and the intake of the day', async () => {
    const r = await s.call('GET', '/operations/overview');
    expect(r.body.lastRun).toMatchObject({ runId: runIds[1], status: 'COMPLETED' });
    expect(r.body.intake.received).toBe(1);
    expect(r.body.intake.processed + r.body.intake.dead + r.body.intake.pending).toBe(1);
  });

  it('one inbox event, masked; search by entity finds it and nothing else', async () => {
    const r = await s.call('GET', `/operations/inbox-events/${eventId}`);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ eventId, webhook: 'cardTransaction', entityId: 'cr-tx-1', deliveries: 1 });
    expect(r.text).not.toContain('DE89370400440532013000');
    const found = await s.call('GET', '/operations/inbox?entityId=cr-tx-1');
    expect(found.body.items.map((i: { eventId: string }) => i.eventId)).toEqual([eventId]);
    const none = await s.call('GET', '/operations/inbox?entityId=cr-nobody');
    expect(none.body.items).toEqual([]);
  });

  it('timeline of an operation: its ledger states and its webhook, in time order', async () => {
    const r = await s.call('GET', '/operations/timeline/operation/cr-tx-1');
    expect(r.status, r.text).toBe(200);
    expect(r.body.subject).toEqual({ kind: 'operation', id: 'cr-tx-1' });
    const kinds = r.body.entries.map((e: { kind: string }) => e.kind);
    expect(kinds).toContain('ledger');
    expect(kinds).toContain('webhook');
    const at = r.body.entries.map((e: { at: string }) => e.at);
    expect([...at].sort()).toEqual(at);
  });

  it('timeline of an operation whose outcome was never known (`unknown:<key>`): looks under its key too, finds nothing', async () => {
    const r = await s.call('GET', '/operations/timeline/operation/unknown:never-used-key-2');
    expect(r.status, r.text).toBe(200);
    expect(r.body.entries).toEqual([]);
  });

  it('timeline of a user: its operations, found by the bounded ledger scan', async () => {
    const r = await s.call('GET', '/operations/timeline/user/cr-user');
    expect(r.status, r.text).toBe(200);
    expect(r.body.entries.filter((e: { kind: string }) => e.kind === 'ledger').length).toBeGreaterThan(0);
  });

  it('timeline of something unknown: empty, not an error', async () => {
    const r = await s.call('GET', '/operations/timeline/idempotency-key/never-used-key-1');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ subject: { kind: 'idempotency-key', id: 'never-used-key-1' }, entries: [], total: 0, offset: 0, truncated: false });
  });
});

describe('bad input: a 4xx problem+json, never a 5xx', () => {
  it.each([
    ['GET', '/operations/inbox-events/not-an-event-id', 400],
    ['GET', `/operations/inbox-events/${'0'.repeat(64)}`, 404],
    ['GET', '/operations/reconciliation/runs?limit=0', 400],
    ['GET', '/operations/reconciliation/runs?before=yesterday', 400],
    ['GET', '/operations/reconciliation/runs?before=20200101T000000Z-00000000', 400],
    ['GET', '/operations/reconciliation/runs?color=red', 400],
    ['GET', '/operations/timeline/account/x', 400],
    ['GET', '/operations/timeline/user/.hidden', 400],
    ['GET', '/operations/timeline/user/a%2Fb', 400],
    ['GET', '/operations/inbox?entityId=..', 400],
    ['GET', '/operations/overview?x=1', 400],
  ])('%s %s -> %i', async (method, url, status) => {
    const r = await s.call(method, url);
    expect(r.status, r.text).toBe(status);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('the console site locally', () => {
  it('serves index.html at /console and assets under it, with the CSP', async () => {
    const page = await fetch(`${s.api}/console`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>console</title>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const js = await fetch(`${s.api}/console/assets/app.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
  });

  it('answers the local config (same origin, sign-in bypassed)', async () => {
    const r = await fetch(`${s.api}/console/config.json`);
    expect(await r.json()).toEqual({ apiBase: '', stage: 'local', auth: { mode: 'none' }, runbookUrl: '/console/runbook.md' });
  });

  it('serves nothing outside the build directory', async () => {
    for (const p of ['/console/..%2Fpackage.json', '/console/assets/..%2F..%2Fpackage.json', '/console/.env', '/console/missing.js']) {
      const r = await fetch(`${s.api}${p}`);
      expect(r.status, p).toBe(404);
    }
  });
});
