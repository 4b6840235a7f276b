/**
 * `p100 exceptions` end to end (issue 26): the spawned bin against a local suite where P100 changed an amount
 * by hand, so reconciliation holds one exception; list, show (the field diff), acknowledge with a note, and the
 * refusal of a change without one. Its own file: client/test/cli.test.ts is the rest of the command's.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeKycUser, fundPartner, idem } from '../../test/integration/operations-support.js';
import { BUILT_CLI } from '../../test/support/cli.js';
import { startTestSuite, type TestSuite } from '../../test/support/suite.js';

// The built command (test/support/cli.ts), as the other CLI tests spawn it.
const BIN = BUILT_CLI;

function p100(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, P100_BASE_URL: s.api }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

let s: TestSuite;
let exceptionId: string;

beforeAll(async () => {
  s = await startTestSuite({ seed: 2601 });
  await fundPartner(s, 'eur', '10000');
  await activeKycUser(s, 'cli-exc', { eur: '500' });
  const t = await s.call('POST', '/users/cli-exc/transfers', { headers: idem(), body: { direction: 'FUNDING', amount: '250.00', currency: 'eur' } });
  expect(t.status, t.text).toBe(202);
  await s.control('POST', '/_sandbox/settle');
  await s.local.queues.get('webhook')?.idle();
  await s.control('PATCH', `/_sandbox/operations/${t.body.transferId}`, { amount: '205.00' });
  expect((await s.call('POST', '/operations/reconciliation/runs')).status).toBe(202);
  await s.local.reconciliation.idle();
  exceptionId = `amount-mismatch:TRANSFER:${t.body.transferId}`;
}, 60_000);

afterAll(async () => {
  await s?.close();
});

describe('p100 exceptions (spawned)', () => {
  it('lists, shows the diff, acknowledges with a note; a change without a note is refused', async () => {
    const list = await p100(['exceptions', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).items.map((e: { exceptionId: string }) => e.exceptionId)).toEqual([exceptionId]);
    const show = await p100(['exceptions', 'show', exceptionId]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/≠ amount +ours "250.00" {2}P100 "205.00"/);
    expect(show.stdout).toContain('user cli-exc');
    const refused = await p100(['exceptions', 'acknowledge', exceptionId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--note');
    const ack = await p100(['exceptions', 'acknowledge', exceptionId, '--note', 'looking into it', '--json']);
    expect(ack.code, ack.stderr).toBe(0);
    expect(JSON.parse(ack.stdout)).toMatchObject({ state: 'acknowledged', audit: [{ action: 'acknowledge', note: 'looking into it' }] });
  });
});
