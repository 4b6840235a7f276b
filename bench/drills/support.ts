import type { TestSuite } from '../../test/support/suite.js';

/** Reconciliation settings for drills: everything open is due at once (the tests' settings). */
export const DRILL_RECONCILE_ENV: Record<string, string> = {
  RECONCILE_PENDING_AFTER_SECONDS: '0',
  RECONCILE_UNKNOWN_GRACE_SECONDS: '0',
  RECONCILE_UNKNOWN_MATCH_WINDOW_SECONDS: '2',
  RECONCILE_CLOCK_SKEW_SECONDS: '5',
  RECONCILE_OVERLAP_SECONDS: '3600',
};

export interface SandboxOp {
  type: string;
  id: string;
  status: string;
  amount: string;
  currency: string;
  externalUserId: string | null;
}

export async function sandboxOps(s: TestSuite): Promise<SandboxOp[]> {
  return (await s.control<{ operations: SandboxOp[] }>('GET', '/_sandbox/operations')).operations;
}

/** Settles everything pending at the sandbox and waits for webhooks and the processor to go quiet. */
export async function settleAndDrain(s: TestSuite): Promise<void> {
  await s.control('POST', '/_sandbox/settle');
  for (let i = 0; i < 1200; i++) {
    const d = await s.control<{ total: number }>('GET', '/_sandbox/webhooks/deliveries?status=PENDING');
    if (d.total === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await s.local.queues.get('webhook')?.idle();
}

/** Starts a reconciliation run over HTTP, waits for it and its user sweep, returns the report summary. */
export async function reconcile(s: TestSuite): Promise<{ runId: string; status: string; discrepancyCount: number; counts: Record<string, number> }> {
  const started = await s.call('POST', '/operations/reconciliation/runs');
  if (started.status !== 202) throw new Error(`startReconciliation: ${started.status} ${started.text}`);
  const runId = started.body.runId as string;
  await s.local.reconciliation.idle();
  const res = await s.call('GET', `/operations/reconciliation/reports/${runId}?limit=1`);
  if (res.status !== 200) throw new Error(`report: ${res.status} ${res.text}`);
  return res.body;
}

/** Runs `fn` over `items` with at most `limit` in flight, in order of start. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A small seeded PRNG (mulberry32), so every drill run sends the same requests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
