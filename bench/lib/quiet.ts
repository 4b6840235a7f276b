import type { TestSuite } from '../../test/support/suite.js';

/** Waits until the sandbox has no webhook delivery pending and the local webhook queue is drained. */
export async function webhooksDrained(s: TestSuite, maxWaitMs = 30_000): Promise<void> {
  const until = Date.now() + maxWaitMs;
  while (Date.now() < until) {
    const d = await s.control<{ total: number }>('GET', '/_sandbox/webhooks/deliveries?status=PENDING');
    if (d.total === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await s.local.queues.get('webhook')?.idle();
}
