import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext, toV2Event } from '../local/gateway/events.js';
import { LOCAL_TABLES } from '../local/aws/dynamo.js';
import { setEventAdapters, type MessageQueue } from '../shared/events/index.js';
import { documentClient, roundTrips } from '../shared/store/client.js';
import { getInboxEvent } from '../shared/store/inbox.js';
import { startTestSuite } from '../test/support/suite.js';
import { captureOutput } from './lib/capture.js';
import { forEachLimit } from './drills/support.js';
import { configuredShare, tableFigures } from './lib/lambda-cpu.js';
import type { BenchResult } from './lib/report.js';
import { median, round } from './lib/stats.js';

const ID = 'B3';
const WHAT = 'webhook ingest: events/s through receiver + inbox (dynalite) vs raw conditional puts of the same items';
const TARGET = '≥ 85% of the raw rate (median of 7 runs)';
const RATIO_TARGET = 0.85;

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode?: number }>;

/**
 * B3. The exchange-status receiver (functions/webhooks/exchange.ts) invoked in process with API Gateway
 * events carrying the real token: token check, body parse, dedup key, conditional put into the inbox,
 * enqueue (no further write: ASSUMPTIONS E8). The queue is a counting stand-in: the processor is another Lambda, its work is
 * not ingest. The floor: conditional puts (`attribute_not_exists(pk)`) of the very items the receiver
 * stored, read back beforehand, under fresh keys, through the same document client. Both sides run with
 * the same concurrency, in two interleaved rounds; the first 50 events warm up and are not counted.
 */
export async function benchWebhookIngest(o: { events?: number; concurrency?: number; runs?: number } = {}): Promise<BenchResult> {
  const n = o.events ?? 2000;
  const runs = o.runs ?? 7;
  const conc = o.concurrency ?? 8;
  const s = await startTestSuite({ seed: 3 });
  const cap = captureOutput({ keep: false });
  let enqueued = 0;
  const countingQueue: MessageQueue = {
    send: async (_q, messages) => {
      enqueued += messages.length;
    },
  };
  setEventAdapters({ queue: countingQueue });
  try {
    const { handler } = (await import('../functions/webhooks/exchange.js')) as { handler: Handler };
    const cpuMs = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const ingest = async (count: number): Promise<{ ms: number; eventIds: string[] }> => {
      const bodies = Array.from({ length: count }, () =>
        JSON.stringify({
          exchangeId: randomUUID(),
          externalUserId: null,
          currencyFrom: 'eur',
          currencyTo: 'usdc',
          amount: '10.00',
          amountTo: '10.71',
          rate: '1.071',
          status: 'COMPLETED',
          createdAt: new Date().toISOString(),
        }),
      );
      const eventIds: string[] = [];
      const t0 = performance.now();
      await forEachLimit(bodies, conc, async (body) => {
        const ev = toV2Event(
          {
            method: 'POST',
            url: '/webhook/exchange/status',
            headers: { authorization: `Bearer ${s.webhookToken}`, 'content-type': 'application/json' },
            body: Buffer.from(body),
          },
          '/webhook/exchange/status',
          {},
        );
        const res = (await handler(ev, lambdaContext('webhook-exchange', 10_000))) as { statusCode?: number; body?: string };
        if (res.statusCode !== 200) throw new Error(`receiver answered ${res.statusCode}: ${res.body}`);
        eventIds.push((JSON.parse(res.body ?? '{}') as { eventId: string }).eventId);
      });
      return { ms: performance.now() - t0, eventIds };
    };
    const raw = async (items: Record<string, unknown>[]): Promise<number> => {
      const t0 = performance.now();
      await forEachLimit(items, conc, async (item) => {
        await (await documentClient()).send(
          new PutCommand({ TableName: LOCAL_TABLES.inbox.name, Item: { ...item, pk: `RAW#${randomUUID()}` }, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
      });
      return performance.now() - t0;
    };
    const itemsOf = async (ids: string[]) => {
      const items: Record<string, unknown>[] = [];
      for (const id of ids) {
        const it = await getInboxEvent(id);
        if (!it) throw new Error(`inbox has no event ${id}`);
        items.push(it as unknown as Record<string, unknown>);
      }
      return items;
    };
    // Warm-up (excluded).
    const warm = await ingest(50);
    await raw(await itemsOf(warm.eventIds));

    // `runs` runs, each two interleaved rounds of ingest then raw puts of the same items; the figure is the
    // median run. CPU time (user + system, this process: receiver, SDK and dynalite) is taken per event on
    // both sides: their difference is what the receiver itself costs, less noisy than the rates.
    const perRun: { ratio: number; ingestRate: number; rawRate: number; ingestCpuMs: number; rawCpuMs: number; trips: number }[] = [];
    const half = Math.floor(n / 2);
    for (let run = 0; run < runs; run++) {
      let ingestMs = 0;
      let rawMs = 0;
      let ingestCpu = 0;
      let rawCpu = 0;
      let ingestTrips = 0;
      for (let round = 0; round < 2; round++) {
        const trips0 = roundTrips.count;
        const c0 = cpuMs();
        const r = await ingest(half);
        ingestCpu += cpuMs() - c0;
        ingestTrips += roundTrips.count - trips0;
        ingestMs += r.ms;
        const items = await itemsOf(r.eventIds);
        const c1 = cpuMs();
        rawMs += await raw(items);
        rawCpu += cpuMs() - c1;
      }
      const ingestRate = (2 * half) / (ingestMs / 1000);
      const rawRate = (2 * half) / (rawMs / 1000);
      perRun.push({
        ratio: ingestRate / rawRate,
        ingestRate,
        rawRate,
        ingestCpuMs: ingestCpu / (2 * half),
        rawCpuMs: rawCpu / (2 * half),
        trips: ingestTrips / (2 * half),
      });
    }
    const mid = [...perRun].sort((a, b) => a.ratio - b.ratio)[Math.floor(perRun.length / 2)] as (typeof perRun)[number];
    const ratio = mid.ratio;
    const { ingestRate, rawRate } = mid;
    const ingestTrips = mid.trips * 2 * half;
    const cpuAdded = median(perRun.map((r) => r.ingestCpuMs - r.rawCpuMs));
    const met = ratio >= RATIO_TARGET;
    // Under the Lambda CPU model (issue 28): dynalite shares this process, so the receiver path's CPU per event
    // is divided by the share of the receiver's configured memory (the model's fallback method): the most one
    // container ingests per second, beside B10's figures of the receiver measured under a real quota.
    const lambda = await configuredShare('webhook-exchange');
    const pathCpu = median(perRun.map((r) => r.ingestCpuMs));
    const modelled = {
      ...lambda,
      method: 'CPU time / share',
      // The receiver's own CPU (beyond a raw put) is its Lambda's; the path's CPU also holds dynalite's (DynamoDB's in AWS): an upper bound.
      receiverOwnMsPerEvent: cpuAdded / lambda.share,
      receiverPathMsPerEvent: pathCpu / lambda.share,
      maxEventsPerSecondPerContainer: (1000 * lambda.share) / pathCpu,
      table: await tableFigures('receiver', lambda.memoryMb),
    };
    return {
      id: ID,
      what: WHAT,
      target: TARGET,
      figure:
        `under the Lambda model at ${lambda.memoryMb} MB (share ${round(lambda.share, 3)} vCPU; CPU time / share): the receiver's own CPU adds ${round(modelled.receiverOwnMsPerEvent, 2)} ms per event; ` +
        `the whole path with dynalite's CPU ${round(modelled.receiverPathMsPerEvent, 2)} ms (an upper bound: at least ${round(modelled.maxEventsPerSecondPerContainer, 0)} events/s per container); ${modelled.table}. Unthrottled: ` +
        `median of ${runs} runs ${round(ratio * 100, 0)}% of raw puts (runs: ${perRun
          .map((r) => round(r.ratio * 100, 0))
          .sort((a, b) => a - b)
          .join(', ')}%; median run ${round(ingestRate, 0)} events/s vs ${round(rawRate, 0)} raw puts/s); ` +
        `CPU per event: receiver path ${round(median(perRun.map((r) => r.ingestCpuMs)), 3)} ms vs raw put ${round(median(perRun.map((r) => r.rawCpuMs)), 3)} ms (the receiver's own: ${round(cpuAdded, 3)} ms); ` +
        `${round(ingestTrips / (2 * half), 2)} DynamoDB round trips per event; ${2 * half} events each side per run, concurrency ${conc}, 50 warm-up excluded`,
      status: met ? 'MET' : 'MISSED',
      ...(met
        ? {}
        : {
            reason:
              `ingest runs at ${round(ratio * 100, 0)}% of raw puts (median of ${runs}). Per event the receiver makes ${round(ingestTrips / (2 * half), 2)} DynamoDB round trips (the conditional put; no enqueued mark, ASSUMPTIONS E8) ` +
              `where the floor makes one, and its own CPU is ${round(cpuAdded, 3)} ms per event (token check, body parse, classification, dedup HMAC, one log line, one EMF line), ` +
              'in the same process as dynalite and the SDK, whose CPU both sides share. The rest would take the log line and the metric off the per-event path (behaviour: kept), ' +
              'or a store outside this process; the figure moves by ±20 points with the machine load.',
          }),
      data: {
        events: 2 * half,
        runs,
        concurrency: conc,
        roundTripsPerEvent: ingestTrips / (2 * half),
        perRun,
        ingestRate,
        rawRate,
        ratio,
        receiverCpuMsPerEvent: cpuAdded,
        lambdaModel: modelled,
        enqueued,
      },
    };
  } finally {
    cap.stop();
    await s.close();
  }
}
