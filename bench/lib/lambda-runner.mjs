/**
 * One Lambda container under the CPU model (bench/lib/lambda-model.ts starts it with plain `node`, no tsx):
 * imports a built handler (the init phase), then joins its CPU group (cgroup v1, a quota equal to Lambda's
 * share for the configured memory) and runs the invoke phase: the first request, then warm requests.
 * With `throttleInit` it joins the group before the import, so init runs throttled too.
 * Prints one JSON line: wall and CPU time of init and of the first request, each warm request's wall time, RSS.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const join = () => {
  if (spec.procsFile) writeFileSync(spec.procsFile, String(process.pid));
};
const context = (i) => {
  const deadline = Date.now() + spec.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: spec.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${spec.name}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: `bench-${process.pid}-${i}`,
    logGroupName: `/aws/lambda/${spec.name}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
};
/** A request the function answered as it should (2xx; an SQS batch with no failures; a job that returned). */
const check = (i, r) => {
  if (spec.expect === 'http') {
    if (!r || typeof r.statusCode !== 'number' || r.statusCode < 200 || r.statusCode >= 300)
      throw new Error(`request ${i} answered ${r?.statusCode}: ${String(r?.body).slice(0, 300)}`);
  } else if (spec.expect === 'sqs') {
    if (r?.batchItemFailures?.length) throw new Error(`request ${i}: ${r.batchItemFailures.length} batch item failure(s)`);
  }
};

if (spec.throttleInit) join();
const t0 = performance.now();
const c0 = cpuMs();
const m = await import(spec.handlerUrl);
const initMs = performance.now() - t0;
const initCpuMs = cpuMs() - c0;
if (!spec.throttleInit) join();

let session;
if (spec.profileFile) {
  // The first request's CPU profile (what `node --cpu-prof` records, started after init so only the request is in it).
  const { Session } = await import('node:inspector/promises');
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
const t1 = performance.now();
const c1 = cpuMs();
check(0, await m.handler(spec.events[0], context(0)));
const firstMs = performance.now() - t1;
const firstCpuMs = cpuMs() - c1;
if (session) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(spec.profileFile, JSON.stringify(profile));
}
const warm = [];
const warmCpu = [];
for (let i = 1; i < spec.events.length; i++) {
  const t = performance.now();
  const c = cpuMs();
  check(i, await m.handler(spec.events[i], context(i)));
  warm.push(performance.now() - t);
  warmCpu.push(cpuMs() - c);
}
process.stdout.write(`\n@@lambda ${JSON.stringify({ initMs, initCpuMs, firstMs, firstCpuMs, warm, warmCpu, rssMB: process.memoryUsage().rss / 2 ** 20 })}\n`);
// Handlers keep keep-alive sockets and timers, as in Lambda; the container's work is done.
process.exit(0);
