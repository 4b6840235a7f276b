/**
 * The `p100` command end to end: each test spawns the built command (test/support/cli.ts; the packed bin is cli/bin/p100.js, run from a packed install by outside-project.test.ts) against a local suite on
 * loopback ports, as a developer's terminal would, and checks its output and exit code.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, json, startLoopback } from '../../test/support/loopback.js';
import { startTestSuite, type TestSuite } from '../../test/support/suite.js';
import { isEventOf, parseEvent } from '../src/events.js';
import { BUILT_CLI } from '../../test/support/cli.js';

// The built command (test/support/cli.ts): a tsx start per spawn made these tests time out under load.
const BIN = BUILT_CLI;
const dir = mkdtempSync(join(tmpdir(), 'p100-cli-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function p100(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, P100_STATE_DIR: dir, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let s: TestSuite;
let env: Record<string, string>;

beforeAll(async () => {
  s = await startTestSuite();
  env = { P100_BASE_URL: s.api, P100_SANDBOX_URL: s.p100 };
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('p100 (spawned)', () => {
  it('ops and call: any operation from the catalog, fields routed to path, query and body; problems exit 1 with the problem', async () => {
    const ops = await p100(['ops', '--json'], env);
    expect(ops.code, ops.stderr).toBe(0);
    expect((JSON.parse(ops.stdout) as { operationId: string }[]).map((o) => o.operationId)).toContain('createExchange');

    const id = `cli-${randomUUID().slice(0, 8)}`;
    const created = await p100(
      [
        'call',
        'createUser',
        '-f',
        `externalUserId=${id}`,
        '-f',
        'citizenship=PL',
        '-f',
        'firstName=Jane',
        '-f',
        'lastName=Doe',
        '-f',
        `email=${id}@example.com`,
        '--json',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout).userId).toEqual(expect.any(String));

    const rate = await p100(['call', 'getExchangeRate', '-f', 'currencyFrom=eur', '-f', 'currencyTo=btc', '-f', 'amount=100', '--json'], env);
    expect(rate.code, rate.stderr).toBe(0);
    expect(JSON.parse(rate.stdout).rate).toMatch(/^\d/);

    // --body: a JSON file for the body, fields on top of it; a fixed key is sent as given and a resend replays.
    const bodyFile = join(dir, 'upload.json');
    writeFileSync(bodyFile, JSON.stringify({ purpose: 'KYC', fileName: 'front.jpg', contentType: 'image/jpeg', size: 10 }));
    const key = `cli-${randomUUID()}`;
    const upload = ['call', 'createUploadUrl', '--body', bodyFile, '-f', `externalUserId=${id}`, '-f', 'size:=2048', '--idempotency-key', key, '--json'];
    const first = await p100(upload, env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ purpose: 'KYC', fileName: 'front.jpg', maxBytes: expect.any(Number) });
    const again = await p100(upload, env);
    expect(again.code, again.stderr).toBe(0);
    // The replay is the stored first answer: same upload, its presigned URL masked (secrets are not stored in clear).
    expect(JSON.parse(again.stdout).uploadId).toBe(JSON.parse(first.stdout).uploadId);
    expect(JSON.parse(again.stdout).url).not.toBe(JSON.parse(first.stdout).url);

    const bad = await p100(['call', 'getUserBalances', '-f', 'externalUserId=bad id!', '--json'], env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.problem.status).toBe(400);
    expect(bad.stderr).toContain('path.externalUserId');

    const unknown = await p100(['call', 'noSuchOperation'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown operation');
  });

  it('trigger: every webhook has a template, any field overridden; the suite receives exactly that body', async () => {
    const list = await p100(['trigger', '--list', '--json'], env);
    expect(Object.keys(JSON.parse(list.stdout).webhooks)).toHaveLength(14);

    const exchangeId = randomUUID();
    const sent = await p100(
      ['trigger', 'exchange', '-f', `exchangeId=${exchangeId}`, '-f', 'status=FAILED', '-f', 'extra.note=kept', '-f', 'amount:=12.5', '--json'],
      env,
    );
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout).body).toMatchObject({ exchangeId, status: 'FAILED', extra: { note: 'kept' }, amount: 12.5, currencyFrom: 'eur' });
    const event = await until('the triggered exchange event on the bus', () => s.local.bus.list({ entityId: exchangeId })[0]);
    expect(event.detail).toMatchObject({ webhook: 'exchange', status: 'FAILED', data: { exchangeId, amount: 12.5, extra: { note: 'kept' } } });

    const wrapped = await p100(['trigger', 'cardTransaction', '--omit', 'externalUserId', '--envelope', 'wrapped', '--json'], env);
    expect(JSON.parse(wrapped.stdout).body).toMatchObject({ event_type: 'cardTransaction', data: { status: 'AUTHORIZED' } });
    expect(JSON.parse(wrapped.stdout).body.data.externalUserId).toBeUndefined();

    const unknown = await p100(['trigger', 'noSuchWebhook'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('webhook must be one of');

    const staged = await p100(['trigger', 'exchange', '--stage', 'prod'], env);
    expect(staged.code).toBe(2);
    expect(staged.stderr).toContain('not supported with --stage');
  });

  it('clock, reconcile --wait, report, inbox list and replay', async () => {
    const clock = await p100(['clock', 'advance', '1h', '--json'], env);
    expect(clock.code, clock.stderr).toBe(0);
    expect(JSON.parse(clock.stdout).offsetMs).toBeGreaterThanOrEqual(3_600_000);

    const run = await p100(['reconcile', '--wait', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { runId: string; status: string };
    expect(report.status).toBe('COMPLETED');
    expect(run.stderr).toContain('waiting for its report');

    const latest = await p100(['report', 'latest', '--json'], env);
    expect(JSON.parse(latest.stdout).runId).toBe(report.runId);
    const pretty = await p100(['report'], env);
    expect(pretty.stdout).toContain(`run ${report.runId} COMPLETED`);

    const inbox = await p100(['inbox', 'list', '--webhook', 'exchange', '--json'], env);
    expect(inbox.code, inbox.stderr).toBe(0);
    const items = JSON.parse(inbox.stdout) as { eventId: string; webhook: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.webhook === 'exchange')).toBe(true);

    const replay = await p100(['inbox', 'replay', items[0]!.eventId, '--json'], env);
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout).eventId).toBe(items[0]!.eventId);
    const dlq = await p100(['inbox', 'replay', '--dlq', '--json'], env);
    expect(dlq.code, dlq.stderr).toBe(0);
    expect(JSON.parse(dlq.stdout).replayed).toEqual(expect.any(Number));
  });

  it('trigger fixtures: each makes its entity for real first, so the event names what P100 holds and reconciliation finds nothing about it', async () => {
    const made: { webhook: string; id: string; status?: string }[] = [];
    const idFields: Record<string, string> = {
      exchange: 'exchangeId',
      p2pTransfer: 'id',
      sepaTransfer: 'id',
      sepaDeposit: 'id',
      cryptoWithdrawal: 'withdrawalId',
      cryptoDeposit: 'cryptoDepositId',
      userStatus: 'externalUserId',
      poaVerificationStatus: 'externalUserId',
      kycFileAdded: 'externalUserId',
      cardTransaction: 'transactionId',
      card3dsCode: 'cardId',
      cardActivationCode: 'cardId',
    };
    for (const [webhook, idField] of Object.entries(idFields)) {
      const sent = await p100(['trigger', webhook, '--json'], env);
      expect(sent.code, `${webhook}: ${sent.stderr}`).toBe(0);
      const body = (JSON.parse(sent.stdout) as { body: Record<string, string> }).body;
      expect(body[idField], webhook).toEqual(expect.any(String));
      made.push({ webhook, id: body[idField] ?? '', ...(body.status ? { status: body.status } : {}) });
    }
    // P100 (the sandbox) holds each operation in the status the event carries.
    for (const m of made.filter((x) => x.status !== undefined && idFields[x.webhook] !== 'externalUserId')) {
      const op = await s.control<{ status: string }>('GET', `/_sandbox/operations/${m.id}`);
      expect(op.status, m.webhook).toBe(m.status);
    }
    const run = await p100(['reconcile', '--wait', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const report = await p100(['report', (JSON.parse(run.stdout) as { runId: string }).runId, '--all', '--json'], env);
    const ids = new Set(made.map((m) => m.id));
    const about = (JSON.parse(report.stdout) as { discrepancies: { id: string; class: string; note?: string }[] }).discrepancies.filter(
      (d) => ids.has(d.id) || [...ids].some((id) => d.note?.includes(id)),
    );
    expect(about).toEqual([]);
  }, 120_000);

  it('listen survives a restart of the suite and of itself: every event once, typed, forwarded', async () => {
    const port = await closedPort();
    const forwarded: string[] = [];
    const sink = await startLoopback((_req, res, _hit, body) => {
      forwarded.push(body);
      json(res, 200, {});
    });
    const state = join(dir, 'listen-restart.json');
    let suite = await startTestSuite({ port });
    const base = `http://127.0.0.1:${port}`;
    const lines: string[] = [];
    const listen = (): ChildProcess => {
      const child = spawn(
        process.execPath,
        [BIN, 'listen', '--json', '--state-file', state, '--base-url', base, '--forward-to', sink.url, '--type', 'p100.exchange.status-changed'],
        {
          env: { ...process.env, P100_STATE_DIR: dir },
        },
      );
      let buf = '';
      child.stdout?.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        const parts = buf.split('\n');
        buf = parts.pop() ?? '';
        lines.push(...parts.filter(Boolean));
      });
      return child;
    };
    const trigger = async (sandbox: string) => {
      const id = randomUUID();
      const r = await p100(['trigger', 'exchange', '-f', `exchangeId=${id}`, '--json'], { P100_SANDBOX_URL: sandbox });
      expect(r.code, r.stderr).toBe(0);
      return id;
    };
    const stop = (child: ChildProcess) =>
      new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      });
    let child = listen();
    try {
      await until('the listener saved its first position', () => (existsSync(state) ? true : undefined));
      const first = await trigger(suite.p100);
      await until('event 1', () => (lines.length >= 1 ? true : undefined));

      // The suite restarts on the same port: a new, empty bus.
      await suite.close();
      suite = await startTestSuite({ port });
      const second = await trigger(suite.p100);
      await until('event 2 after the suite restarted', () => (lines.length >= 2 ? true : undefined));

      // The listener stops; an event is published meanwhile; the listener resumes from its saved position.
      await stop(child);
      const third = await trigger(suite.p100);
      await until('event 3 on the bus', () => suite.local.bus.list({ entityId: third })[0]);
      child = listen();
      await until('event 3 after the listener restarted', () => (lines.length >= 3 ? true : undefined));

      const events = lines.map((l) => parseEvent(JSON.parse(l)));
      const ids = events.map((e) => (isEventOf(e, 'p100.exchange.status-changed') ? e.detail.entityId : undefined));
      expect(ids).toEqual([first, second, third]);
      expect(events.every((e) => isEventOf(e, 'p100.exchange.status-changed') && e.detail.status === 'COMPLETED')).toBe(true);
      await until('three forwards', () => (forwarded.length >= 3 ? true : undefined));
      expect(forwarded.map((b) => parseEvent(JSON.parse(b)).detail)).toEqual(events.map((e) => e.detail));
      expect(JSON.parse(forwarded[0]!)['detail-type']).toBe('p100.exchange.status-changed');
    } finally {
      await stop(child);
      await suite.close();
      await sink.close();
    }
  });
});
