import { getLedgerOperation, getLedgerUser } from '../../shared/store/index.js';
import { webhookPath, webhooks } from '../../shared/webhooks/catalog.js';
import { isValidPath, lifecycles, type Lifecycle } from '../../shared/webhooks/lifecycles.js';
import { startTestSuite, type TestSuite } from '../../test/support/suite.js';
import { forEachLimit, reconcile, settleAndDrain } from './support.js';

/**
 * The lifecycle drill (issue 11): users and cards walk cyclic paths while the sandbox drops, duplicates and
 * reorders webhooks: suspend/unsuspend ×3 (through our API: the handlers move the state themselves), card
 * block/unblock ×3, a card payment authorised, settled and refunded, POA rejected → re-uploaded →
 * approved, KYC rejected → new verification → approved, a crypto deposit held for travel-rule data.
 *
 * Then reconciliation, and per entity:
 * - state: the ledger equals P100's;
 * - path: the events published for it (webhook and reconciliation, in publish order) walk edges of its
 *   transition table and end at P100's state;
 * - once: where no delivery of the entity was reordered, every transition between the states P100
 *   delivered (dropped ones left out, repeats collapsed) is published, in order, and none twice: from the
 *   webhook, or from reconciliation where a dropped predecessor made the delivered one no valid edge.
 *   (Reordered entities: no sequence from P100 tells a late event from a new one, ASSUMPTIONS.md E9;
 *   their state and path are still checked.)
 */

export interface LifecycleDrillOptions {
  users: number;
  concurrency?: number;
  seed?: number;
  faults?: { dropRate: number; duplicateRate: number; reorderRate: number };
}

export interface LifecycleDrillResult {
  users: number;
  entities: number;
  steps: number;
  p100Transitions: number;
  deliveries: Record<string, number>;
  published: { webhook: number; reconciliation: number };
  entitiesWithReorder: number;
  checkedExactlyOnce: number;
  /** Our API answered 5xx (P100 slow under load): the walk went on, P100's state is what is checked. */
  ambiguousAnswers: number;
  /** Older KYC verifications whose every event was dropped: no P100 read exists to repair them (R8). */
  unreadableLost: number;
  reconciliation: { runs: number; discrepancies: number };
  stateMismatches: string[];
  invalidPaths: string[];
  notExactlyOnce: string[];
  millis: number;
}

interface Delivery {
  id: number;
  path: string;
  body: Record<string, unknown>;
  status: string;
  duplicateOf: number | null;
  reordered: boolean;
}

/** One tracked entity: its lifecycle, how to find its deliveries and events, and how to read both states. */
interface Entity {
  key: string;
  lc: Lifecycle;
  webhook: string;
  match: (d: Delivery) => boolean;
  busFilter: { entityId: string; webhook: string; verificationId?: string };
  p100: () => Promise<string | undefined>;
  ledger: () => Promise<string | undefined>;
  /** false: P100 offers no read of it (an older KYC verification), reconciliation cannot repair it. */
  readable?: boolean;
}

/**
 * A path of published events: a webhook event walks an edge of the table from the previous published
 * state; a reconciliation repair may land anywhere, because it states P100's truth after events we never
 * received (P100 tells no intermediate states).
 */
function validPath(lc: Lifecycle, events: readonly { status: string; repair: boolean }[]): boolean {
  return events.every((e, i) => lc.states.includes(e.status) && (i === 0 || e.repair || isValidPath(lc, [events[i - 1]?.status ?? '', e.status])));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls our API. A 5xx (P100 slow or unreachable under load: the outcome may be unknown) is retried a few
 * times where the step can tell whether it took effect (`done`), else counted and the walk goes on: P100's
 * state stays the truth the drill checks against.
 */
async function api(s: TestSuite, method: string, path: string, body?: unknown, done?: () => Promise<boolean>): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    const r = await s.call(method, path, body === undefined ? {} : { body });
    if (r.status < 300) return (r.body ?? {}) as Record<string, unknown>;
    if (r.status < 500) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    ambiguous++;
    if (done && (await done())) return {};
    if (!done || attempt >= 5) {
      if (done) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      return {};
    }
    await sleep(50 * attempt);
  }
}

/** API answers 5xx during the walk (outcome unknown to the caller; reconciliation settles the state). */
let ambiguous = 0;

/**
 * Waits until every delivery that is not held back by the reorder fault has been made and the processor
 * is idle: P100 moves an entity on only after the previous event reached us, as in life, while reordered
 * events still overtake. (Without it, the in-process queue may process two events of one entity in either
 * order: SQS gives no order either, see ASSUMPTIONS.md E9.)
 */
async function settled(s: TestSuite): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const d = await s.control<{ deliveries: { reordered: boolean }[] }>('GET', '/_sandbox/webhooks/deliveries?status=PENDING');
    if (!d.deliveries.some((x) => !x.reordered)) break;
    await sleep(5);
  }
  await s.local.queues.get('webhook')?.idle();
}

async function p100(s: TestSuite, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const init: RequestInit = { method, headers: { 'x-api-key': s.apiKey } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`${s.p100}${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`P100 ${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function poaFiles(): FormData {
  const fd = new FormData();
  fd.append('files', new Blob([new Uint8Array(200)], { type: 'application/pdf' }), 'bill.pdf');
  return fd;
}

const pathOf = (name: string) => webhookPath(webhooks.find((w) => w.name === name) ?? { name, path: '' });

/** Walks one user's cyclic paths; returns the entities to check and the number of steps taken. */
async function walkUser(s: TestSuite, u: string): Promise<{ entities: Entity[]; steps: number }> {
  let steps = 0;
  const step = async (fn: () => Promise<unknown>) => {
    await fn();
    steps++;
    await settled(s);
  };
  const exists = async () =>
    s.control('GET', `/_sandbox/users/${u}`).then(
      () => true,
      () => false,
    );
  await step(() => api(s, 'POST', '/users', { externalUserId: u, citizenship: 'PL', firstName: 'Jan', lastName: 'Nowak', email: `${u}@example.com` }, exists));
  await step(() => s.control('POST', `/_sandbox/users/${u}/activate`, { extended: false }));
  await s.control('POST', `/_sandbox/users/${u}/fund`, { currency: 'eur', amount: '500' });
  // Extended through our API, so the ledger knows it (cards are reconciled for extended users).
  await step(() =>
    api(s, 'POST', `/users/${u}/extension`, undefined, async () => (await s.control<{ extended: boolean }>('GET', `/_sandbox/users/${u}`)).extended),
  );
  const card = await p100(s, 'POST', '/v1/card/virtual', { externalUserId: u, label: 'drill', pin: '1234' });
  const cardId = String(card.cardId);
  const tx1 = `${u}-tx1`;
  const tx2 = `${u}-tx2`;
  const txPath = `/_sandbox/cards/${cardId}/transactions`;
  await step(() => s.control('POST', txPath, { transactionId: tx1, amount: '10.00', merchantName: 'Shop', status: 'AUTHORIZED' }));
  for (let i = 0; i < 3; i++) {
    // Through our API: the block/unblock handlers move the card along its table themselves.
    await step(() => api(s, 'POST', `/users/${u}/cards/${cardId}/block`));
    await step(() => api(s, 'POST', `/users/${u}/cards/${cardId}/unblock`));
  }
  await step(() => s.control('POST', txPath, { transactionId: tx1, amount: '10.00', merchantName: 'Shop', status: 'SETTLED' }));
  await step(() => s.control('POST', txPath, { transactionId: tx2, amount: '3.00', merchantName: 'Cafe', status: 'SETTLED' }));
  await step(() => s.control('POST', txPath, { transactionId: tx1, amount: '10.00', merchantName: 'Shop', status: 'REVERSED' }));
  // POA: rejected, re-uploaded, approved.
  await step(() => p100(s, 'POST', `/v1/user/poa-files/${u}`, poaFiles()));
  await step(() => s.control('POST', `/_sandbox/users/${u}/poa`, { status: 'REJECTED' }));
  await step(() => p100(s, 'POST', `/v1/user/poa-files/${u}`, poaFiles()));
  await step(() => s.control('POST', `/_sandbox/users/${u}/poa`, { status: 'APPROVED' }));
  // KYC by P100: rejected, then a new verification approved.
  const kycNow = async () => (await s.control<{ kyc: { verificationId: string; status: string } | null }>('GET', `/_sandbox/users/${u}`)).kyc;
  const createKyc = async () => {
    const before = (await kycNow())?.verificationId;
    const r = await api(s, 'POST', `/users/${u}/kyc-verification`, undefined, async () => ((await kycNow())?.verificationId ?? before) !== before);
    return String(r.verificationId ?? (await kycNow())?.verificationId);
  };
  const v1 = await createKyc();
  await step(() => s.control('POST', `/_sandbox/users/${u}/kyc`, { status: 'REJECTED' }));
  const v2 = await createKyc();
  await step(() => s.control('POST', `/_sandbox/users/${u}/kyc`, { status: 'APPROVED' }));
  // Crypto deposit held for travel-rule data, then released.
  const dep = `${u}-dep`;
  await step(() => s.control('POST', '/_sandbox/deposits/crypto', { depositId: dep, externalUserId: u, currency: 'usdc', amount: '25', travelRule: true }));
  await step(() => s.control('POST', '/_sandbox/settle'));
  await step(() => p100(s, 'PATCH', `/v1/crypto-deposit/update-travel-rule/${dep}`, { walletType: 'SELF_CUSTODY', details: { name: 'Jan Nowak' } }));
  await step(() => s.control('POST', '/_sandbox/settle'));
  // Suspend / unsuspend ×3 through our API.
  for (let i = 0; i < 3; i++) {
    await step(() => api(s, 'POST', `/users/${u}/suspension`));
    await step(() => api(s, 'DELETE', `/users/${u}/suspension`));
  }

  const sandboxUser = async () =>
    s.control<{ status: string; poaStatus: string; kyc: { verificationId: string; status: string } | null }>('GET', `/_sandbox/users/${u}`);
  const sandboxOp = async (id: string) => (await s.control<{ status: string }>('GET', `/_sandbox/operations/${id}`)).status;
  const fact = async (name: string) => {
    const v = (await getLedgerUser(u))?.facts?.[name]?.value;
    return v === undefined ? undefined : String(v);
  };
  const kycEntity = (vid: string, p100Status: () => Promise<string | undefined>): Entity => ({
    key: `kyc:${vid}`,
    lc: lifecycles.kycVerification,
    webhook: 'kycVerificationStatus',
    match: (d) => d.path === pathOf('kycVerificationStatus') && d.body.verificationId === vid,
    busFilter: { webhook: 'kycVerificationStatus', entityId: u, verificationId: vid },
    p100: p100Status,
    ledger: () => fact(`kycVerification:${vid}`),
  });
  const opEntity = (id: string, webhook: string, lc: Lifecycle, type: 'CARD_TRANSACTION' | 'CRYPTO_DEPOSIT', idField: string): Entity => ({
    key: `${type}:${id}`,
    lc,
    webhook,
    match: (d) => d.path === pathOf(webhook) && d.body[idField] === id,
    busFilter: { webhook, entityId: id },
    p100: () => sandboxOp(id),
    ledger: async () => (await getLedgerOperation(type, id))?.status,
  });
  const entities: Entity[] = [
    {
      key: `user:${u}`,
      lc: lifecycles.userStatus,
      webhook: 'userStatus',
      match: (d) => d.path === pathOf('userStatus') && d.body.externalUserId === u,
      busFilter: { webhook: 'userStatus', entityId: u },
      p100: async () => (await sandboxUser()).status,
      ledger: () => fact('status'),
    },
    {
      key: `poa:${u}`,
      lc: lifecycles.poa,
      webhook: 'poaVerificationStatus',
      match: (d) => d.path === pathOf('poaVerificationStatus') && d.body.externalUserId === u,
      busFilter: { webhook: 'poaVerificationStatus', entityId: u },
      p100: async () => (await sandboxUser()).poaStatus,
      ledger: () => fact('poaStatus'),
    },
    { ...kycEntity(v1, async () => 'REJECTED'), readable: false },
    kycEntity(v2, async () => (await sandboxUser()).kyc?.status),
    opEntity(tx1, 'cardTransaction', lifecycles.cardTransaction, 'CARD_TRANSACTION', 'transactionId'),
    opEntity(tx2, 'cardTransaction', lifecycles.cardTransaction, 'CARD_TRANSACTION', 'transactionId'),
    opEntity(dep, 'cryptoDeposit', lifecycles.cryptoDeposit, 'CRYPTO_DEPOSIT', 'cryptoDepositId'),
    {
      key: `card:${cardId}`,
      lc: lifecycles.card,
      webhook: 'card',
      match: () => false,
      busFilter: { webhook: 'card', entityId: cardId },
      p100: async () => ((await p100(s, 'GET', `/v1/card/all/${u}`)).cards as { cardId: string; status: string }[]).find((c) => c.cardId === cardId)?.status,
      ledger: async () => (await getLedgerOperation('CARD', cardId))?.status,
    },
  ];
  return { entities, steps };
}

/** Statuses with consecutive repeats collapsed: the transitions a sequence of delivered states makes. */
function transitions(statuses: readonly string[]): string[] {
  return statuses.filter((x, i) => i === 0 || x !== statuses[i - 1]);
}

/**
 * Runs the drill on `suite` (the other drills' suite: the shared P100 client and DynamoDB client of this
 * process point at it), or on a suite of its own. Turns the sandbox's automatic review approval off while
 * it runs and back on after.
 */
export async function runLifecycleDrill(opts: LifecycleDrillOptions, suite?: TestSuite): Promise<LifecycleDrillResult> {
  const t0 = performance.now();
  const s = suite ?? (await startTestSuite({ seed: opts.seed ?? 11 }));
  ambiguous = 0;
  try {
    await s.control('POST', '/_sandbox/config', { autoApprove: false });
    await s.control('POST', '/_sandbox/webhooks/faults', { ...(opts.faults ?? { dropRate: 0.1, duplicateRate: 0.2, reorderRate: 0.2 }), reorderDelayMs: 150 });
    const users = Array.from({ length: opts.users }, (_, i) => `lc${opts.seed ?? 11}-${i}`);
    const entities: Entity[] = [];
    let steps = 0;
    await forEachLimit(users, opts.concurrency ?? 6, async (u) => {
      const r = await walkUser(s, u);
      entities.push(...r.entities);
      steps += r.steps;
    });
    await settleAndDrain(s);
    await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 0, duplicateRate: 0, reorderRate: 0 });
    let runs = 0;
    let discrepancies = 0;
    // A second run must find nothing: the first repaired everything it could see.
    for (let i = 0; i < 2; i++) {
      const r = await reconcile(s);
      runs++;
      discrepancies += r.discrepancyCount;
      if (r.status !== 'COMPLETED') throw new Error(`reconciliation run ${r.runId} ended ${r.status}`);
    }
    await settleAndDrain(s);

    // Only this drill's deliveries (the suite may carry other drills' before it).
    const deliveries = (await s.control<{ deliveries: Delivery[] }>('GET', '/_sandbox/webhooks/deliveries')).deliveries.filter((d) =>
      entities.some((e) => e.match(d)),
    );
    const byStatus: Record<string, number> = {};
    for (const d of deliveries) {
      const k = d.duplicateOf !== null ? 'DUPLICATE' : d.reordered ? `${d.status}+REORDERED` : d.status;
      byStatus[k] = (byStatus[k] ?? 0) + 1;
    }
    const result: LifecycleDrillResult = {
      users: users.length,
      entities: entities.length,
      steps,
      p100Transitions: 0,
      deliveries: byStatus,
      published: { webhook: 0, reconciliation: 0 },
      entitiesWithReorder: 0,
      checkedExactlyOnce: 0,
      ambiguousAnswers: ambiguous,
      unreadableLost: 0,
      reconciliation: { runs, discrepancies },
      stateMismatches: [],
      invalidPaths: [],
      notExactlyOnce: [],
      millis: 0,
    };
    for (const e of entities) {
      const own = deliveries.filter((d) => d.duplicateOf === null && e.match(d));
      if (e.readable === false && own.length > 0 && own.every((d) => d.status === 'DROPPED')) {
        // An older KYC verification whose every event was lost: P100 shows only the current one (R8).
        result.unreadableLost++;
        continue;
      }
      const theirs = await e.p100();
      const ours = await e.ledger();
      if (theirs !== ours) result.stateMismatches.push(`${e.key}: ledger ${ours ?? '(none)'}, P100 ${theirs ?? '(none)'}`);
      const events = s.local.bus
        .list({ webhook: e.busFilter.webhook, entityId: e.busFilter.entityId })
        .filter(
          (ev) =>
            e.busFilter.verificationId === undefined || (ev.detail.data as Record<string, unknown> | undefined)?.verificationId === e.busFilter.verificationId,
        );
      const published = events.map((ev) => String(ev.detail.status));
      const fromWebhook = events.filter((ev) => ev.detail.source !== 'reconciliation').map((ev) => String(ev.detail.status));
      result.published.webhook += fromWebhook.length;
      result.published.reconciliation += published.length - fromWebhook.length;
      // A lifecycle no webhook carries (card status) publishes only repairs: none is fine when the ledger agrees.
      const silentOk = published.length === 0 && e.webhook === 'card' && ours === theirs;
      if (
        !silentOk &&
        (!validPath(
          e.lc,
          events.map((ev) => ({ status: String(ev.detail.status), repair: ev.detail.source === 'reconciliation' })),
        ) ||
          published.at(-1) !== theirs)
      )
        result.invalidPaths.push(
          `${e.key}: published [${events.map((ev) => `${String(ev.detail.previousStatus ?? '∅')}→${String(ev.detail.status)}${ev.detail.source === 'reconciliation' ? ' (recon)' : ''}`).join(', ')}], P100 ${theirs ?? '(none)'}, deliveries [${own.map((d) => `${String(d.body.status)}${d.status === 'DROPPED' ? ' dropped' : ''}${d.reordered ? ' reordered' : ''}`).join(', ')}]`,
        );
      result.p100Transitions += own.length;
      if (own.some((d) => d.reordered)) {
        result.entitiesWithReorder++;
        continue;
      }
      if (e.webhook === 'card') continue; // no webhook: reconciliation is its only source
      result.checkedExactlyOnce++;
      const delivered = transitions(own.filter((d) => d.status !== 'DROPPED').map((d) => String(d.body.status)));
      // Delivered transitions appear in the published sequence in order (from the webhook, or from
      // reconciliation where a dropped predecessor made the delivered one no valid edge); nothing is
      // published twice in a row; no status is published from webhooks more often than P100 delivered it.
      const count = (xs: readonly string[], x: string) => xs.filter((y) => y === x).length;
      let at = 0;
      for (const st of published) if (at < delivered.length && st === delivered[at]) at++;
      const repeated = published.some((x, i) => i > 0 && x === published[i - 1]);
      const doubled = [...new Set(fromWebhook)].filter(
        (x) =>
          count(fromWebhook, x) >
          count(
            own.map((d) => String(d.body.status)),
            x,
          ),
      );
      if (at < delivered.length || repeated || doubled.length) {
        result.notExactlyOnce.push(
          `${e.key}: delivered [${delivered.join(' → ')}], published [${published.join(' → ')}] (from webhooks [${fromWebhook.join(' → ')}])`,
        );
      }
    }
    result.millis = Math.round(performance.now() - t0);
    return result;
  } finally {
    if (suite) {
      await s.control('POST', '/_sandbox/config', { autoApprove: true }).catch(() => undefined);
      await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 0, duplicateRate: 0, reorderRate: 0 }).catch(() => undefined);
    } else await s.close();
  }
}
