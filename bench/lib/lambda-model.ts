import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build as esbuild, type Metafile } from 'esbuild';
import { buildAll, layerChunksPath, type BuildResult } from '../../infra/build.js';
import { lambdaContext, toV2Event } from '../../local/gateway/events.js';
import { ENV } from '../../shared/config/env.js';
import { setEventAdapters, type MessageQueue } from '../../shared/events/index.js';
import { startTestSuite, type TestSuite } from '../../test/support/suite.js';
import { startAwsSinks, type AwsSinks } from './aws-sinks.js';
import { captureOutput } from './capture.js';
import { cpuShare, createCpuGroup, throttledMs } from './lambda-cpu.js';
import { median, quantile, round } from './stats.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const runnerFile = path.join(repoRoot, 'bench', 'lib', 'lambda-runner.mjs');

/** One container's figures. `model` says how the CPU share was applied. */
export interface ContainerRun {
  name: string;
  memoryMb: number;
  share: number;
  model: 'cgroup' | 'cpu/share';
  throttleInit: boolean;
  initMs: number;
  initCpuMs: number;
  firstMs: number;
  firstCpuMs: number;
  /** init + first request: the cold path. */
  coldPathMs: number;
  warm: number[];
  rssMB: number;
  throttledMs: number;
}

interface RunnerOut {
  initMs: number;
  initCpuMs: number;
  firstMs: number;
  firstCpuMs: number;
  warm: number[];
  warmCpu?: number[];
  rssMB: number;
}

export interface LambdaTree {
  work: string;
  built: BuildResult;
  /** Handler file per function name, importing the layer copy as Lambda mounts it. */
  handlers: Map<string, string>;
  /** The floor bundle: one secret, one DynamoDB call, one fetch to P100. */
  floor: string;
}

/**
 * The production build laid out as Lambda mounts it: the client layer and the SDK layer under
 * `<work>/opt/nodejs` (so a bare `@aws-sdk/*` import from a chunk resolves to the SDK layer's bundled package,
 * as in Lambda), each handler under `<work>/var/task/<name>/index.mjs` with its `/opt/...` chunk imports
 * pointed at the copy. The floor lives under `<work>/opt/nodejs/floor/` to load the same SDK layer.
 */
export async function prepareLambdaTree(work: string, only?: readonly string[]): Promise<LambdaTree> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const built = await buildAll({ outDir: path.join(work, 'dist'), strict: false });
  if (!built.layer || !built.sdkLayer) throw new Error('the layer (shared/index.ts) did not build');
  const opt = path.join(work, 'opt', 'nodejs');
  cpSync(path.join(built.outDir, 'layer', 'nodejs'), opt, { recursive: true });
  cpSync(path.join(built.sdkLayer.dir, 'nodejs'), opt, { recursive: true });
  const chunksUrl = `${pathToFileURL(path.join(opt, 'p100-shared', 'chunks')).href}/`;
  const handlers = new Map<string, string>();
  for (const f of built.functions) {
    if (only && !only.includes(f.name)) continue;
    const file = path.join(work, 'var', 'task', f.name, 'index.mjs');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, readFileSync(f.file, 'utf8').split(layerChunksPath).join(chunksUrl));
    handlers.set(f.name, file);
  }
  const floorSrc = path.join(work, 'floor-src.mjs');
  writeFileSync(floorSrc, FLOOR_SOURCE);
  const floor = path.join(opt, 'floor', 'index.mjs');
  await esbuild({
    entryPoints: [floorSrc],
    outfile: floor,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    external: ['@aws-sdk/*', '@smithy/*'],
    logLevel: 'warning',
    absWorkingDir: repoRoot,
  });
  return { work, built, handlers, floor };
}

/**
 * The floor: the least any request of the suite must do on its cold path. Init creates the two SDK clients;
 * the request reads one secret (the API key), makes one DynamoDB call and one fetch to P100 with that key.
 */
const FLOOR_SOURCE = `import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const secrets = new SecretsManagerClient({});
const dynamo = new DynamoDBClient({});
export const handler = async () => {
  const key = (await secrets.send(new GetSecretValueCommand({ SecretId: process.env.${ENV.apiKeySecretId} }))).SecretString;
  await dynamo.send(new GetItemCommand({ TableName: process.env.${ENV.ledgerTable}, Key: { pk: { S: 'floor' }, sk: { S: 'floor' } } }));
  const res = await fetch(process.env.${ENV.p100BaseUrl} + '/v1/partner/balances', { headers: { 'x-api-key': key, accept: 'application/json' } });
  const body = await res.text();
  return { statusCode: res.status, body };
};
`;

/** The local suite the containers talk to over loopback, plus SQS/EventBridge sinks, and the set-up they need. */
export interface ModelSuite {
  suite: TestSuite;
  sinks: AwsSinks;
  env: NodeJS.ProcessEnv;
  user: string;
  /** Queue URLs on the sinks (the SQS client sends to the queue URL's host). */
  webhookQueue: string;
  reconcileQueue: string;
  close(): Promise<void>;
}

export async function startModelSuite(): Promise<ModelSuite> {
  const suite = await startTestSuite({ seed: 28, settleDelayMs: 600_000 });
  const sinks = await startAwsSinks();
  await suite.control('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '100000000' });
  await suite.control('POST', '/_sandbox/partner/fund', { currency: 'usdc', amount: '100000000' });
  const user = `b28-${randomUUID().slice(0, 8)}`;
  const created = await suite.call('POST', '/users', {
    body: { externalUserId: user, citizenship: 'PL', country: 'PL', firstName: 'Jane', lastName: 'Doe', email: `${user}@example.com` },
  });
  if (created.status !== 201) throw new Error(`createUser: ${created.status} ${created.text}`);
  await suite.control('POST', `/_sandbox/users/${user}/activate`, {});
  const webhookQueue = `${sinks.endpoint}/000000000000/p100-webhook`;
  const reconcileQueue = `${sinks.endpoint}/000000000000/p100-reconcile`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: os.tmpdir(),
    NODE_OPTIONS: '',
    TZ: 'UTC',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    AWS_ENDPOINT_URL_SQS: sinks.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: sinks.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: sinks.endpoint,
    [ENV.webhookQueueUrl]: webhookQueue,
    [ENV.reconcileQueueUrl]: reconcileQueue,
    [ENV.eventBusName]: 'p100-bench-bus',
    [ENV.reconcileFunctionName]: 'p100-bench-reconcile',
  };
  // What startLocalSuite pointed this process at: the Secrets Manager and DynamoDB stand-ins, the sandbox, tables.
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && (k.startsWith('AWS_') || (Object.values(ENV) as string[]).includes(k)) && env[k] === undefined) env[k] = v;
  return {
    suite,
    sinks,
    env,
    user,
    webhookQueue,
    reconcileQueue,
    close: async () => {
      await sinks.close();
      await suite.close();
    },
  };
}

type Expect = 'http' | 'sqs' | 'any';

/** The requests a function's container gets: the first (the cold one) and `warm` more, each a real, successful one. */
export async function eventsFor(m: ModelSuite, name: string, count: number): Promise<{ events: unknown[]; expect: Expect }> {
  const http = (method: string, url: string, route: string, params: Record<string, string>, body?: unknown, headers: Record<string, string> = {}) =>
    toV2Event(
      {
        method,
        url,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
      },
      route,
      params,
    );
  const n = Array.from({ length: count }, (_, i) => i);
  switch (name) {
    case 'floor':
      return { events: n.map(() => ({})), expect: 'any' };
    case 'getPartnerBalances':
      return { events: n.map(() => http('GET', '/partner/balances', '/partner/balances', {})), expect: 'http' };
    case 'getUserBalances':
      return { events: n.map(() => http('GET', `/users/${m.user}/balances`, '/users/{externalUserId}/balances', { externalUserId: m.user })), expect: 'http' };
    case 'createPartnerExchangeLock':
      return {
        events: n.map((i) =>
          http(
            'POST',
            '/partner/exchange-locks',
            '/partner/exchange-locks',
            {},
            { currencyFrom: 'eur', currencyTo: 'usdc', amount: `${10 + (i % 50)}` },
            {
              'idempotency-key': `b28-${randomUUID()}`,
            },
          ),
        ),
        expect: 'http',
      };
    case 'createTransfer':
      return {
        events: n.map((i) =>
          http(
            'POST',
            `/users/${m.user}/transfers`,
            '/users/{externalUserId}/transfers',
            { externalUserId: m.user },
            { direction: 'FUNDING', amount: `${1 + (i % 90)}.25`, currency: 'eur' },
            { 'idempotency-key': `b28-${randomUUID()}` },
          ),
        ),
        expect: 'http',
      };
    case 'webhook-exchange':
      return {
        events: n.map(() => http('POST', '/webhook/exchange/status', '/webhook/exchange/status', {}, exchangeWebhook(), authHeader(m))),
        expect: 'http',
      };
    case 'webhookProcessor': {
      const bodies = await receivedInProcess(m, count);
      return { events: bodies.map((b) => sqsEvent(b, m.webhookQueue)), expect: 'sqs' };
    }
    case 'reconcile':
      return { events: n.map(() => ({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} })), expect: 'any' };
    case 'reconcileUsers': {
      const sent = m.sinks.messages.get(m.reconcileQueue) ?? [];
      if (!sent.length) throw new Error('no user batch was enqueued yet: run the reconcile job first');
      return { events: n.map((i) => sqsEvent(sent[i % sent.length] as string, m.reconcileQueue)), expect: 'sqs' };
    }
    case 'contractCanary':
      return { events: n.map(() => ({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} })), expect: 'any' };
    default:
      throw new Error(`the Lambda model has no request for ${name}`);
  }
}

const authHeader = (m: ModelSuite) => ({ authorization: `Bearer ${m.suite.webhookToken}` });

function exchangeWebhook() {
  return {
    exchangeId: randomUUID(),
    externalUserId: null,
    currencyFrom: 'eur',
    currencyTo: 'usdc',
    amount: '10.00',
    amountTo: '10.71',
    rate: '1.071',
    status: 'COMPLETED',
    createdAt: new Date().toISOString(),
  };
}

function sqsEvent(body: string, queueUrl: string) {
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: 'bench',
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'bench',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:eu-central-1:000000000000:${queueUrl.split('/').pop()}`,
        awsRegion: 'eu-central-1',
      },
    ],
  };
}

/** Webhook deliveries stored by the in-process receiver (same inbox, same data key): what the processor then reads. */
async function receivedInProcess(m: ModelSuite, count: number): Promise<string[]> {
  const bodies: string[] = [];
  const capture: MessageQueue = { send: async (_q, messages) => void bodies.push(...messages.map((x) => x.body)) };
  setEventAdapters({ queue: capture });
  try {
    const { handler } = (await import('../../functions/webhooks/exchange.js')) as {
      handler: (e: unknown, c: unknown) => Promise<{ statusCode?: number; body?: string }>;
    };
    for (let i = 0; i < count; i++) {
      const ev = toV2Event(
        {
          method: 'POST',
          url: '/webhook/exchange/status',
          headers: { 'content-type': 'application/json', ...authHeader(m) },
          body: Buffer.from(JSON.stringify(exchangeWebhook())),
        },
        '/webhook/exchange/status',
        {},
      );
      const res = await handler(ev, lambdaContext('webhook-exchange', 10_000));
      if (res.statusCode !== 200) throw new Error(`receiver answered ${res.statusCode}: ${res.body}`);
    }
  } finally {
    setEventAdapters({ queue: m.suite.local.queues });
  }
  return bodies;
}

/**
 * One container: a fresh Node process imports the handler and serves `events` (first, then warm), its invoke
 * phase (and with `throttleInit` its init too) under a CPU quota of Lambda's share for `memoryMb`. Without
 * writable cgroups the figures are CPU time / share (never below the wall time measured), and `model` says so.
 */
export async function runContainer(
  tree: LambdaTree,
  m: ModelSuite,
  o: { name: string; memoryMb: number; timeoutMs?: number; events: unknown[]; expect: Expect; throttleInit?: boolean; profileFile?: string },
): Promise<ContainerRun> {
  const file = o.name === 'floor' ? tree.floor : tree.handlers.get(o.name);
  if (!file) throw new Error(`no built function ${o.name}`);
  const share = cpuShare(o.memoryMb);
  const group = createCpuGroup(share);
  const specFile = path.join(tree.work, `spec-${process.pid}-${randomUUID().slice(0, 8)}.json`);
  writeFileSync(
    specFile,
    JSON.stringify({
      name: o.name,
      memoryMb: o.memoryMb,
      timeoutMs: o.timeoutMs ?? 28_000,
      handlerUrl: pathToFileURL(file).href,
      procsFile: group?.procsFile,
      throttleInit: o.throttleInit ?? false,
      events: o.events,
      expect: o.expect,
      profileFile: o.profileFile,
    }),
  );
  try {
    const out = await new Promise<RunnerOut>((resolve, reject) => {
      execFile(
        process.execPath,
        [runnerFile, specFile],
        {
          cwd: tree.work,
          env: { ...m.env, AWS_LAMBDA_FUNCTION_NAME: o.name, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(o.memoryMb) },
          maxBuffer: 64 * 1024 * 1024,
        },
        (err, stdout, stderr) => {
          const line = stdout.split('\n').find((l) => l.startsWith('@@lambda '));
          if (line) return resolve(JSON.parse(line.slice('@@lambda '.length)) as RunnerOut);
          reject(new Error(`${o.name} at ${o.memoryMb} MB: ${err?.message.split('\n')[0] ?? 'no result'} ${stderr.trim().split('\n').slice(-12).join(' | ')}`));
        },
      );
    });
    const throttled = group ? throttledMs(group) : 0;
    const scale = (wall: number, cpu: number) => (group ? wall : Math.max(wall, cpu / share));
    const throttleInit = o.throttleInit ?? false;
    const initMs = throttleInit ? scale(out.initMs, out.initCpuMs) : out.initMs;
    const firstMs = scale(out.firstMs, out.firstCpuMs);
    return {
      name: o.name,
      memoryMb: o.memoryMb,
      share,
      model: group ? 'cgroup' : 'cpu/share',
      throttleInit,
      initMs,
      initCpuMs: out.initCpuMs,
      firstMs,
      firstCpuMs: out.firstCpuMs,
      coldPathMs: initMs + firstMs,
      warm: group ? out.warm : out.warm.map((w, i) => Math.max(w, (out.warmCpu?.[i] ?? 0) / share)),
      rssMB: out.rssMB,
      throttledMs: throttled,
    };
  } finally {
    group?.remove();
    rmSync(specFile, { force: true });
  }
}

/** Summary of several containers of one function at one size: medians of the cold path, warm quantiles over all. */
export function summarise(runs: readonly ContainerRun[]) {
  const warm = runs.flatMap((r) => r.warm);
  return {
    initMs: round(median(runs.map((r) => r.initMs))),
    firstMs: round(median(runs.map((r) => r.firstMs))),
    firstCpuMs: round(median(runs.map((r) => r.firstCpuMs))),
    coldPathMs: round(median(runs.map((r) => r.coldPathMs))),
    warmP50Ms: warm.length ? round(quantile(warm, 0.5)) : undefined,
    warmP99Ms: warm.length ? round(quantile(warm, 0.99)) : undefined,
    rssMB: round(Math.max(...runs.map((r) => r.rssMB)), 1),
    model: runs[0]?.model,
  };
}

/** Where a CPU profile's self time went, by layer chunk (named by its largest sources), SDK package or node internals. */
export function profileBreakdown(profileFile: string, metafile: Metafile | undefined, work: string): { where: string; ms: number }[] {
  interface Node {
    id: number;
    callFrame: { url: string; functionName: string };
  }
  const p = JSON.parse(readFileSync(profileFile, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const chunkNames = new Map<string, string>();
  const nameOf = (url: string, fn: string): string => {
    if (!url) return fn.startsWith('(') ? fn : '(native/V8 builtins)';
    // Node's own code by area: module loading (resolve, read, compile of what a request imports), crypto, http...
    if (url.startsWith('node:')) return `node ${/^node:(?:internal\/)?([a-z_]+)/.exec(url)?.[1] ?? url}`;
    const sdk = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (sdk) return sdk[1] as string;
    const chunk = /p100-shared\/chunks\/([^/]+\.mjs)$/.exec(url);
    if (chunk && metafile) {
      const file = chunk[1] as string;
      const known = chunkNames.get(file);
      if (known) return known;
      const key = Object.keys(metafile.outputs).find((k) => k.endsWith(`/chunks/${file}`));
      const inputs = Object.entries(key ? (metafile.outputs[key]?.inputs ?? {}) : {})
        .map(([i, v]) => [/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(i)?.[1] ?? i.replace(/^shared\//, ''), v.bytesInOutput] as const)
        .reduce((acc, [n, b]) => acc.set(n, (acc.get(n) ?? 0) + b), new Map<string, number>());
      const top = [...inputs]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([n]) => n);
      const named = `chunk ${file} (${top.join(', ')})`;
      chunkNames.set(file, named);
      return named;
    }
    if (url.includes('/var/task/')) return 'handler bundle';
    return path.relative(work, fileURLToPath(url.startsWith('file:') ? url : pathToFileURL(url).href));
  };
  const self = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    if (!n) return;
    const k = nameOf(n.callFrame.url, n.callFrame.functionName);
    self.set(k, (self.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].map(([where, ms]) => ({ where, ms: round(ms, 1) })).sort((a, b) => b.ms - a.ms);
}

/** Runs `fn` with the function logs the in-process set-up writes kept off the bench's stdout. */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const cap = captureOutput({ keep: false });
  try {
    return await fn();
  } finally {
    cap.stop();
  }
}
