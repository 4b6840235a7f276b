/**
 * `p100 trigger` fixtures, as the Stripe CLI's: before a webhook about an entity is sent, the entity is made for
 * real, through the suite's own operations (so its ledger knows it) and the sandbox's control routes (so P100 has
 * it), and the webhook then carries that entity's ids and the status P100 holds. A triggered event thus matches
 * P100's state: `getTransfer` finds the transfer, and the next reconciliation has nothing to report about it.
 *
 * A webhook given its entity's id (`-f exchangeId=…`) is sent as asked, without a fixture. Webhooks without a
 * fixture here (IBAN and KYC verification statuses) are sent from the sandbox's template as before
 * (ASSUMPTIONS U7).
 */
import { randomUUID } from 'node:crypto';
import type { P100Client } from '../../client/src/client.js';

export interface FixtureContext {
  client: P100Client;
  sandbox: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  progress: (line: string) => void;
}

interface SandboxOperation {
  id: string;
  status: string;
  amount: string;
  currency: string;
}

export interface Fixture {
  /** The field of the webhook naming the entity: given by the caller, no fixture is made. */
  idField: string;
  /** Makes the entity and returns the webhook fields that describe it as P100 holds it. */
  create(ctx: FixtureContext): Promise<Record<string, unknown>>;
}

/** A user created through the suite, activated (KYC skipped) and funded in the sandbox. */
async function activeUser(ctx: FixtureContext, funds: Record<string, string> = {}): Promise<string> {
  const externalUserId = `trigger-${randomUUID().slice(0, 13)}`;
  await ctx.client.createUser({ body: { externalUserId, citizenship: 'PL', firstName: 'Trigger', lastName: 'Fixture', email: 'trigger@example.com' } });
  await ctx.sandbox('POST', `/_sandbox/users/${externalUserId}/activate`, {});
  for (const [currency, amount] of Object.entries(funds)) await ctx.sandbox('POST', `/_sandbox/users/${externalUserId}/fund`, { currency, amount });
  ctx.progress(`… fixture: user ${externalUserId}`);
  return externalUserId;
}

/** Settles what is due and reads the operation back as P100 holds it now. */
async function settled(ctx: FixtureContext, id: string): Promise<SandboxOperation> {
  await ctx.sandbox('POST', '/_sandbox/settle', {});
  return ctx.sandbox<SandboxOperation>('GET', `/_sandbox/operations/${encodeURIComponent(id)}`);
}

const userFixture = (fields: (externalUserId: string) => Record<string, unknown>): Fixture => ({
  idField: 'externalUserId',
  async create(ctx) {
    return fields(await activeUser(ctx));
  },
});

/** A card issued through the suite to a new user. */
async function newCard(ctx: FixtureContext): Promise<{ externalUserId: string; cardId: string }> {
  const externalUserId = await activeUser(ctx, { eur: '50' });
  const { cardId } = await ctx.client.createCard({ path: { externalUserId }, body: { label: 'Trigger fixture', pin: '1234' } });
  ctx.progress(`… fixture: card ${cardId}`);
  return { externalUserId, cardId };
}

const cardCodeFixture: Fixture = {
  idField: 'cardId',
  async create(ctx) {
    return newCard(ctx);
  },
};

export const fixtures: Readonly<Record<string, Fixture>> = {
  exchange: {
    idField: 'exchangeId',
    async create(ctx) {
      const externalUserId = await activeUser(ctx, { eur: '100' });
      const pair = { currencyFrom: 'eur', currencyTo: 'btc', amount: '50' } as const;
      const { lockId } = await ctx.client.createExchangeLock({ path: { externalUserId }, body: pair });
      const { exchangeId } = await ctx.client.createExchange({ path: { externalUserId }, body: { ...pair, lockId } });
      const op = await settled(ctx, exchangeId);
      ctx.progress(`… fixture: exchange ${exchangeId} ${op.status}`);
      return { exchangeId, externalUserId, currencyFrom: pair.currencyFrom, currencyTo: pair.currencyTo, amount: op.amount, status: op.status };
    },
  },
  p2pTransfer: {
    idField: 'id',
    async create(ctx) {
      const externalUserId = await activeUser(ctx);
      await ctx.sandbox('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '10' });
      const { transferId } = await ctx.client.createTransfer({ path: { externalUserId }, body: { direction: 'FUNDING', amount: '10.00', currency: 'eur' } });
      const op = await settled(ctx, transferId);
      ctx.progress(`… fixture: transfer ${transferId} ${op.status}`);
      return {
        id: transferId,
        sourceExternalUserId: null,
        destinationExternalUserId: externalUserId,
        amount: op.amount,
        currency: op.currency,
        status: op.status,
      };
    },
  },
  sepaDeposit: {
    idField: 'id',
    async create(ctx) {
      const externalUserId = await activeUser(ctx);
      const d = await ctx.sandbox<{ id: string }>('POST', '/_sandbox/deposits/sepa', {
        externalUserId,
        amount: '25.00',
        senderName: 'Trigger Fixture',
        senderIban: 'DE89370400440532013000',
        title: 'Top-up',
      });
      const op = await settled(ctx, d.id);
      ctx.progress(`… fixture: SEPA deposit ${d.id} ${op.status}`);
      return { id: d.id, externalUserId, amount: op.amount, currency: op.currency, status: op.status };
    },
  },
  cryptoDeposit: {
    idField: 'cryptoDepositId',
    async create(ctx) {
      const externalUserId = await activeUser(ctx);
      const d = await ctx.sandbox<{ cryptoDepositId: string; transactionHash?: string }>('POST', '/_sandbox/deposits/crypto', {
        externalUserId,
        currency: 'eth',
        amount: '0.001',
      });
      const op = await settled(ctx, d.cryptoDepositId);
      ctx.progress(`… fixture: crypto deposit ${d.cryptoDepositId} ${op.status}`);
      return {
        cryptoDepositId: d.cryptoDepositId,
        externalUserId,
        amount: op.amount,
        currency: op.currency,
        status: op.status,
        transactionHash: d.transactionHash,
      };
    },
  },
  sepaTransfer: {
    idField: 'id',
    async create(ctx) {
      // P100 pays out only to an account the user paid in from (SEPA level 1): a deposit from that IBAN first.
      const externalUserId = await activeUser(ctx, { eur: '50' });
      const iban = 'DE89370400440532013000';
      const d = await ctx.sandbox<{ id: string }>('POST', '/_sandbox/deposits/sepa', {
        externalUserId,
        amount: '20.00',
        senderName: 'Trigger Fixture',
        senderIban: iban,
      });
      await settled(ctx, d.id);
      const { transferId } = await ctx.client.createSepaTransfer({
        path: { externalUserId },
        body: { amount: '10.00', currency: 'eur', destinationIban: iban, transferTitle: 'Invoice 1' },
      });
      const op = await settled(ctx, transferId);
      ctx.progress(`… fixture: SEPA transfer ${transferId} ${op.status}`);
      return { id: transferId, externalUserId, amount: op.amount, currency: op.currency, status: op.status };
    },
  },
  cryptoWithdrawal: {
    idField: 'withdrawalId',
    async create(ctx) {
      const externalUserId = await activeUser(ctx, { eth: '1' });
      const { withdrawalId } = await ctx.client.createCryptoWithdrawal({
        path: { externalUserId },
        body: {
          currency: 'eth',
          amount: '0.01',
          walletAddress: `0x${'0'.repeat(38)}bb`,
          name: 'Trigger Fixture',
          walletType: 'NON_CUSTODIAL',
          receiverType: 'NATURAL',
        },
      });
      const op = await settled(ctx, withdrawalId);
      ctx.progress(`… fixture: crypto withdrawal ${withdrawalId} ${op.status}`);
      // The network P100 chose for the currency, as P100's own read of the withdrawal gives it.
      const { network } = (await ctx.client.getCryptoWithdrawal({ path: { withdrawalId } })) as { network?: string };
      return { withdrawalId, externalUserId, amount: op.amount, currency: op.currency, network, status: op.status };
    },
  },
  poaVerificationStatus: {
    idField: 'externalUserId',
    async create(ctx) {
      const externalUserId = await activeUser(ctx);
      await ctx.sandbox('POST', `/_sandbox/users/${externalUserId}/poa`, { status: 'APPROVED' });
      return { externalUserId, status: 'APPROVED' };
    },
  },
  cardTransaction: {
    idField: 'transactionId',
    async create(ctx) {
      const { externalUserId, cardId } = await newCard(ctx);
      const t = await ctx.sandbox<{ transactionId: string; amount: string; merchantName: string; status: string }>(
        'POST',
        `/_sandbox/cards/${encodeURIComponent(cardId)}/transactions`,
        { amount: '12.50', merchantName: 'Coffee Shop' },
      );
      ctx.progress(`… fixture: card transaction ${t.transactionId} ${t.status}`);
      return { transactionId: t.transactionId, cardId, externalUserId, amount: t.amount, merchantName: t.merchantName, status: t.status };
    },
  },
  card3dsCode: cardCodeFixture,
  cardActivationCode: cardCodeFixture,
  userStatus: userFixture((externalUserId) => ({ externalUserId, status: 'ACTIVE' })),
  kycFileAdded: userFixture((externalUserId) => ({ externalUserId })),
};
