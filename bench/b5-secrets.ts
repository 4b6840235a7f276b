import { lambdaContext, toV2Event } from '../local/gateway/events.js';
import { LOCAL_SECRET_IDS } from '../local/suite.js';
import { SecretCache, setSecretCache } from '../shared/secrets/index.js';
import { startTestSuite } from '../test/support/suite.js';
import { captureOutput } from './lib/capture.js';
import type { BenchResult } from './lib/report.js';

const ID = 'B5';
const WHAT = 'Secrets Manager calls per 1,000 invocations in one container';
const TARGET = '1 per cache TTL';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode?: number }>;

/**
 * B5. One container = one process with one module instance of the getPartnerBalances handler. The
 * container's SecretCache is replaced by one with the production TTL (300 s) and an injected clock; the
 * local Secrets Manager stand-in counts GetSecretValue calls. Phase 1: 1,000 invocations inside one TTL
 * window. Phase 2: 1,000 invocations with the clock moving 1 s per invocation (1,000 s = 4 TTL windows).
 */
export async function benchSecrets(o: { invocations?: number } = {}): Promise<BenchResult> {
  const n = o.invocations ?? 1000;
  const ttlSeconds = 300;
  const suite = await startTestSuite({ seed: 5 });
  const cap = captureOutput({ keep: false });
  let clock = Date.now();
  const cache = new SecretCache({ ttlSeconds, now: () => clock });
  setSecretCache(cache);
  try {
    const { handler } = (await import('../functions/partner/getPartnerBalances.js')) as { handler: Handler };
    const invoke = async () => {
      const ev = toV2Event({ method: 'GET', url: '/partner/balances', headers: {}, body: Buffer.alloc(0) }, '/partner/balances', {});
      const res = await handler(ev, lambdaContext('getPartnerBalances', 29_000));
      if (res.statusCode !== 200) throw new Error(`getPartnerBalances answered ${res.statusCode}`);
    };
    const calls = () => suite.local.secrets.getCalls.get(LOCAL_SECRET_IDS.apiKey) ?? 0;
    const base = calls();
    for (let i = 0; i < n; i++) await invoke();
    const phase1 = calls() - base;
    const base2 = calls();
    const start = clock;
    for (let i = 0; i < n; i++) {
      clock += 1000;
      await invoke();
    }
    const phase2 = calls() - base2;
    const spanS = (clock - start) / 1000;
    const windows = Math.ceil(spanS / ttlSeconds);
    // Phase 2 begins inside the phase-1 window's remainder (the value was fetched at `start`), so exactly
    // one fetch per further full window is due: floor(span / ttl).
    const expected2 = Math.floor(spanS / ttlSeconds);
    const met = phase1 === 1 && phase2 === expected2;
    return {
      id: ID,
      what: WHAT,
      target: TARGET,
      figure: `${phase1} call per ${n} invocations in one ${ttlSeconds} s window; ${phase2} calls per ${n} invocations spread over ${spanS} s (${windows} TTL windows, ${expected2} refreshes due)`,
      status: met ? 'MET' : 'MISSED',
      ...(met ? {} : { reason: `expected 1 and ${expected2} GetSecretValue calls, saw ${phase1} and ${phase2}` }),
      data: { invocations: n, ttlSeconds, phase1Calls: phase1, phase2Calls: phase2, phase2SpanSeconds: spanS, cacheFetchCount: cache.fetchCount },
    };
  } finally {
    cap.stop();
    setSecretCache(undefined);
    await suite.close();
  }
}
