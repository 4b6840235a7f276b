/**
 * Reconciliation at scale against the sandbox: a crash mid-run resumes under the same run without double
 * counting, and paging through thousands of history entries keeps the heap flat.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun, readReport, runReconciliation } from '../../shared/reconcile/index.js';
import { acquireActive, getActive } from '../../shared/store/reconciliation.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';

let s: TestSuite;

/** A forced GC makes heap samples comparable; exposed at run time since the test runner's flags are shared. */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

beforeAll(async () => {
  // Runs overlap by an hour, so each run here reads the whole (seconds-old) history again.
  Object.assign(process.env, { RECONCILE_OVERLAP_SECONDS: '3600', RECONCILE_PENDING_AFTER_SECONDS: '0', RECONCILE_UNKNOWN_GRACE_SECONDS: '0' });
  s = await startTestSuite({ seed: 11 });
});

afterAll(async () => {
  await s?.close();
});

describe('a crash mid-run', () => {
  it('resumes from the page checkpoint under the same run, counting every entry exactly once', async () => {
    await s.control('POST', '/_sandbox/seed/history', { count: 1000, spacingMs: 1 });
    // Checkpoints every 4 pages here (10 by default): a crash redoes at most the group in flight.
    const config = { pageSize: 100, checkpointPages: 4 };
    // Crash 1: the first group's entries (pages 1-4) are repaired, its checkpoint is never written.
    const crash = new Error('simulated crash before the first checkpoint');
    await expect(
      runReconciliation({
        trigger: 'local',
        config,
        hooks: {
          beforeCheckpoint: (acc, page) => {
            if (acc === 'partner' && page === 4) throw crash;
          },
        },
      }),
    ).rejects.toBe(crash);
    // The next trigger while the crashed run's lease holds does nothing...
    const busy = await runReconciliation({ trigger: 'schedule', config: { pageSize: 100 } });
    expect(busy.status).toBe('SKIPPED');
    // ...and once the lease has lapsed (moved into the past here instead of waiting 15 minutes), it resumes the same run.
    const lapse = async () => {
      const lock = await getActive();
      await acquireActive(lock!.runId, new Date(Date.now() - 1000).toISOString(), new Date().toISOString());
    };
    await lapse();
    // Crash 2, on resume: after page 6, two pages past the checkpoint of page 4 (pages 1-4 redone first).
    const crash2 = new Error('simulated crash after page 6');
    const secondAttempt: number[] = [];
    await expect(
      runReconciliation({
        trigger: 'schedule',
        config,
        hooks: {
          afterPage: (acc, pages) => {
            if (acc === 'partner') secondAttempt.push(pages);
            if (acc === 'partner' && pages === 6) throw crash2;
          },
        },
      }),
    ).rejects.toBe(crash2);
    // The first attempt checkpointed nothing: all of its group is read again.
    expect(secondAttempt[0]).toBe(1);
    await lapse();
    const thirdAttempt: number[] = [];
    const resumed = await runReconciliation({
      trigger: 'schedule',
      config,
      hooks: { afterPage: (acc, pages) => void (acc === 'partner' && thirdAttempt.push(pages)) },
    });
    // What the crash cost: pages 5 and 6 only, read again from the checkpoint at page 4.
    expect(thirdAttempt[0]).toBe(5);
    expect(resumed.runId).toBe(busy.runId);
    await s.local.reconciliation.idle();
    expect((await getRun(resumed.runId))!.status).toBe('COMPLETED');

    const report = await readReport(resumed.runId, { limit: 5000 });
    expect(report.counts['entries']).toBe(1000);
    expect(report.counts['missing-here']).toBe(1000);
    expect(report.counts['matched']).toBe(0);
    expect(new Set(report.discrepancies.map((d) => d.id)).size).toBe(1000);
    expect(report.discrepancies.every((d) => d.repaired)).toBe(true);
    const events = s.local.bus.list({ detailType: 'p100.reconciliation.discrepancy' }).filter((e) => e.detail['runId'] === resumed.runId);
    expect(new Set(events.map((e) => e.detail['id'])).size).toBe(1000);
  }, 120_000);
});

describe('a long history', () => {
  it('is streamed page by page with a flat heap (5,000 entries)', async () => {
    const COUNT = Number(process.env.RECONCILE_SCALE_COUNT ?? 5000);
    await s.control('POST', '/_sandbox/seed/history', { count: COUNT, spacingMs: 1 });
    const measure = async () => {
      const samples: number[] = [];
      const before = heapMb();
      const t0 = performance.now();
      const out = await runReconciliation({
        trigger: 'local',
        config: { pageSize: 100 },
        hooks: {
          afterPage: (_a, pages) => {
            if (pages % 5 === 0) samples.push(heapMb());
          },
        },
      });
      await s.local.reconciliation.idle();
      const ms = performance.now() - t0;
      const after = heapMb();
      return { out, ms, before, peak: Math.max(before, ...samples), after, pages: samples.length * 5 };
    };
    // Run 1 repairs every new entry (the ledger and the report grow: dynalite keeps them in this heap).
    const first = await measure();
    // Run 2 reads the same history again; everything matches, nothing is stored: the reader's own footprint.
    const second = await measure();
    const r1 = await readReport(first.out.runId, { limit: 1 });
    const r2 = await readReport(second.out.runId, { limit: 1 });
    console.log(
      JSON.stringify({
        count: COUNT,
        run1: { ms: Math.round(first.ms), heapBeforeMb: first.before.toFixed(1), heapPeakMb: first.peak.toFixed(1), counts: r1.counts },
        run2: { ms: Math.round(second.ms), heapBeforeMb: second.before.toFixed(1), heapPeakMb: second.peak.toFixed(1), counts: r2.counts },
      }),
    );
    expect(r1.counts['missing-here']).toBe(COUNT);
    expect(r1.counts['entries']).toBe(COUNT + 1000);
    expect(r2.counts['matched']).toBe(COUNT + 1000);
    expect(r2.discrepancyCount).toBe(0);
    expect(second.peak - second.before).toBeLessThan(32);
    expect(first.peak - first.before).toBeLessThan(64);
  }, 600_000);
});
