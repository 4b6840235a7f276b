import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLedgerUser } from '../../shared/store/ledger-users.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';

/** Every user lifecycle step is recorded in the ledger: accepted steps with their facts, ambiguous ones as UNKNOWN. */
describe('user lifecycle in the ledger', () => {
  let t: TestSuite;
  beforeAll(async () => {
    t = await startTestSuite();
  });
  afterAll(() => t.close());

  const waitFor = async (ok: () => Promise<boolean>, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error('condition not reached');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const fact = async (id: string, name: string) => (await getLedgerUser(id))?.facts?.[name]?.value;

  it('records a created KYC user with P100 userId, model and status, then suspension and its end', async () => {
    const created = await t.call('POST', '/users', { body: { externalUserId: 'ul-1', citizenship: 'PL', email: 'a@example.com' } });
    expect(created.status).toBe(201);
    const user = await getLedgerUser('ul-1');
    expect(user).toMatchObject({ externalUserId: 'ul-1', p100UserId: created.body.userId, model: 'KYC' });
    expect(await fact('ul-1', 'status')).toBe('WAITING_FOR_VERIFICATION');
    expect(await fact('ul-1', 'step:createUser')).toBe('ACCEPTED');

    await t.control('POST', '/_sandbox/users/ul-1/activate');
    // Wait for the activation webhook to reach the ledger first. (P100 sends no event time, so a webhook that
    // arrives after our own later step would win by arrival time; see the closing note on ordering.)
    await waitFor(async () => (await fact('ul-1', 'status')) === 'ACTIVE');
    expect((await t.call('POST', '/users/ul-1/suspension')).status).toBeLessThan(300);
    expect(await fact('ul-1', 'status')).toBe('SUSPENDED');
    expect((await t.call('DELETE', '/users/ul-1/suspension')).status).toBeLessThan(300);
    expect(await fact('ul-1', 'status')).toBe('ACTIVE');
  });

  it('records a user without KYC with its model', async () => {
    const created = await t.call('POST', '/users-without-kyc', { body: { externalUserId: 'ul-2', email: 'b@example.com' } });
    expect(created.status).toBe(201);
    expect(await getLedgerUser('ul-2')).toMatchObject({ model: 'NO_KYC', p100UserId: created.body.userId });
  });

  it('records nothing for a refused step', async () => {
    const refused = await t.call('POST', '/users/ul-none/suspension');
    expect(refused.status).toBe(404);
    expect(await getLedgerUser('ul-none')).toBeUndefined();
  });

  it('records a step whose outcome is unknown (reset after P100 acted) as UNKNOWN, and tells the caller', async () => {
    await t.call('POST', '/users', { body: { externalUserId: 'ul-3', citizenship: 'PL' } });
    await t.control('POST', '/_sandbox/users/ul-3/activate');
    await t.control('POST', '/_sandbox/faults', { route: 'PATCH /v1/user/suspend/{externalUserId}', resetAfterRate: 1, times: 1 });
    const res = await t.call('POST', '/users/ul-3/suspension');
    expect([502, 504]).toContain(res.status);
    expect(res.body.outcome).toBe('UNKNOWN');
    expect(await fact('ul-3', 'step:suspendUser')).toBe('UNKNOWN');
    // The effect did happen at P100, but we did not claim it: the status fact comes from P100 (a webhook or
    // reconciliation), never from this ambiguous step.
    expect((await getLedgerUser('ul-3'))?.facts?.['status']?.source).not.toBe('api:suspendUser');
  });
});
