import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Buffer): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Content types API Gateway passes as text; anything else arrives base64-encoded with isBase64Encoded. */
const TEXT_TYPES = /^(text\/|application\/(json|[a-z.+-]*\+json|xml|x-www-form-urlencoded|javascript)\b)/i;

export interface IncomingRequestLike {
  method: string;
  /** Path and query as received, e.g. `/users/u1/balances?x=1`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp?: string;
  host?: string;
}

/**
 * Builds the API Gateway HTTP API (payload format 2.0) event a Lambda would receive for this request:
 * lower-case headers (repeats joined by commas), cookies split out, query parameters decoded with repeats
 * joined by commas, and the body as text or base64 by content type.
 */
export function toV2Event(req: IncomingRequestLike, routePath: string, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const qIndex = req.url.indexOf('?');
  const rawPath = qIndex === -1 ? req.url : req.url.slice(0, qIndex);
  const rawQueryString = qIndex === -1 ? '' : req.url.slice(qIndex + 1);

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const k = name.toLowerCase();
    if (k === 'cookie') {
      cookies = (Array.isArray(value) ? value.join('; ') : value).split(/;\s*/).filter(Boolean);
      continue;
    }
    headers[k] = Array.isArray(value) ? value.join(',') : value;
  }

  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString) {
    queryStringParameters = {};
    for (const [k, v] of new URLSearchParams(rawQueryString)) {
      queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
    }
  }

  const contentType = headers['content-type'] ?? '';
  const hasBody = req.body.byteLength > 0;
  // A text body that is not valid UTF-8 travels base64-encoded, bytes intact, so the handler's strict UTF-8
  // check sees what the caller sent (a lenient decode here would hide bad bytes behind U+FFFD).
  const isText = !hasBody || (TEXT_TYPES.test(contentType) && isUtf8(req.body));
  const now = new Date();

  return {
    version: '2.0',
    routeKey: `${req.method} ${routePath}`,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: req.host ?? headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: { method: req.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: req.sourceIp ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: `${req.method} ${routePath}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: isText ? req.body.toString('utf8') : req.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !isText,
  };
}

/** A Lambda context whose remaining time counts down from the function timeout. */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
