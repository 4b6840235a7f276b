import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from '../log/logger.js';
import { toProblem } from './error-map.js';
import { findJsonKeyProblem, MAX_JSON_DEPTH } from './json-keys.js';
import { HttpProblem, problemResponse } from './problem.js';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/** What the middlewares leave for the handler in `context` (typed access through `requestState`). */
export interface RequestState {
  requestId: string;
  startedAt: number;
  rawBody?: string;
  json?: unknown;
}

const STATE = Symbol('p100.request');
type WithState = Context & { [STATE]?: RequestState };

export function requestState(context: Context): RequestState {
  const s = (context as WithState)[STATE];
  if (!s) throw new Error('requestContext() middleware did not run');
  return s;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request id: the caller's `x-request-id` when it is a safe token, else API Gateway's. It goes into every
 * log line (Powertools persistent key), every problem body and the `x-request-id` response header.
 */
export function requestContext(): MiddlewareObj<Event, Result> {
  return {
    before: (request) => {
      const given = request.event.headers?.['x-request-id'];
      const requestId = given && SAFE_REQUEST_ID.test(given) ? given : (request.event.requestContext?.requestId ?? request.context.awsRequestId);
      (request.context as WithState)[STATE] = { requestId, startedAt: Date.now() };
      logger.resetKeys();
      logger.appendKeys({ requestId });
    },
    after: (request) => {
      const s = requestState(request.context);
      if (request.response) request.response.headers = { ...request.response.headers, 'x-request-id': s.requestId };
    },
  };
}

/** Maps thrown errors to problem+json. Stays first in the chain so it sees everything after it. */
export function problemErrors(operationId: string, redactKeys: readonly string[] = []): MiddlewareObj<Event, Result> {
  return {
    onError: (request) => {
      const problem = toProblem(request.error);
      const s = (request.context as WithState)[STATE];
      const requestId = s?.requestId ?? request.context.awsRequestId;
      const level = problem.status >= 500 ? 'error' : 'info';
      logger[level]('request failed', {
        operationId,
        status: problem.status,
        problem: problem.slug,
        // 500s are our bugs: keep the error (redacted by the logger) to find them; 4xx need no stack.
        ...(problem.status === 500 ? { error: request.error } : {}),
        ...(problem.extensions.upstream ? { upstream: problem.extensions.upstream } : {}),
        redact: redactKeys.length ? redactKeys : undefined,
      });
      request.response = problemResponse(problem.toDetails(requestId), { ...problem.headers, 'x-request-id': requestId });
    },
  };
}

const MAX_BODY_BYTES = 256 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a JSON body once (base64 too) and keeps it in the request state. Written here instead of
 * @middy/http-json-body-parser because that one answers 415/422 with plain text; we owe the caller
 * problem+json with a 400 for every malformed body, and a strict UTF-8 check.
 */
export function jsonBody(): MiddlewareObj<Event, Result> {
  return {
    before: (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === null || body === '') return;
      const bytes = isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
      if (bytes.byteLength > MAX_BODY_BYTES) throw new HttpProblem(413, 'too-large', 'Request body too large', `at most ${MAX_BODY_BYTES} bytes`);
      const type = request.event.headers?.['content-type'] ?? '';
      if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
        throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', 'send Content-Type: application/json');
      }
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch {
        throw new HttpProblem(400, 'malformed', 'Malformed request body', 'the body is not valid UTF-8');
      }
      // A gateway that decoded invalid bytes leniently leaves U+FFFD in their place: the request did not carry
      // the text the caller meant, so it is refused like any other invalid UTF-8 rather than sent to P100.
      if (text.includes('\uFFFD')) {
        throw new HttpProblem(400, 'malformed', 'Malformed request body', 'the body is not valid UTF-8 (it contains U+FFFD replacement characters)');
      }
      const state = requestState(request.context);
      state.rawBody = text;
      try {
        state.json = JSON.parse(text);
      } catch {
        throw new HttpProblem(400, 'malformed', 'Malformed request body', 'the body is not valid JSON');
      }
      // JSON.parse keeps the last of two equal keys: a body that means different things to different readers is refused.
      const keyProblem = findJsonKeyProblem(text);
      if (keyProblem?.kind === 'duplicate') {
        throw new HttpProblem(400, 'duplicate-key', 'Malformed request body', `duplicate key "${keyProblem.path}" in the JSON body: send each key once`, {
          errors: [{ in: 'body', field: keyProblem.path, message: 'duplicate key' }],
        });
      }
      if (keyProblem?.kind === 'too-deep')
        throw new HttpProblem(400, 'malformed', 'Malformed request body', `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
    },
  };
}
