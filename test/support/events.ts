import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { lambdaContext as localLambdaContext } from '../../local/gateway/events.js';

/** A minimal API Gateway v2 event for invoking handlers directly in unit tests. */
export function v2Event(o: {
  method?: string;
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  isBase64Encoded?: boolean;
}): APIGatewayProxyEventV2 {
  const body = o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  return {
    version: '2.0',
    routeKey: `${o.method ?? 'GET'} ${o.path ?? '/'}`,
    rawPath: o.path ?? '/',
    rawQueryString: new URLSearchParams(o.query ?? {}).toString(),
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
    ...(o.query ? { queryStringParameters: o.query } : {}),
    ...(o.pathParameters ? { pathParameters: o.pathParameters } : {}),
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: { method: o.method ?? 'GET', path: o.path ?? '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-test-1',
      routeKey: `${o.method ?? 'GET'} ${o.path ?? '/'}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: o.isBase64Encoded ?? false,
  };
}

/** A Lambda context with `remainingMs` left: the local gateway's own, so tests and `npm start` share one. */
export function lambdaContext(remainingMs = 10_000): Context {
  return localLambdaContext('test', remainingMs);
}

/** Captures everything written to stdout/stderr while `fn` runs (the logger writes JSON lines there). */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const orig = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const grab = (c: unknown) => {
    chunks.push(typeof c === 'string' ? c : Buffer.isBuffer(c) ? c.toString('utf8') : String(c));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    const result = await fn();
    return { result, output: chunks.join('') };
  } finally {
    process.stdout.write = orig.out;
    process.stderr.write = orig.err;
  }
}
