import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Sandbox } from '../sandbox.js';
import { type Router, splitPath } from './router.js';
import { ControlError, Errors, P100Error } from './errors.js';
import type { Ctx, Reply } from './types.js';

/** Multipart uploads carry up to 3 files of 5 MB; anything past this is refused unread. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string | number> = { ...(reply.headers ?? {}) };
  let payload: string;
  if (reply.text !== undefined) {
    payload = reply.text;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] = 'application/json';
  } else {
    payload = '';
  }
  headers['content-length'] = Buffer.byteLength(payload);
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function parseJson(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (raw.length === 0 || contentType?.includes('multipart/')) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    throw Errors.validation('body is not valid JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw Errors.validation('body must be a JSON object');
  return v as Record<string, unknown>;
}

function errorReply(err: unknown, sb: Sandbox): Reply {
  if (err instanceof P100Error) return { status: err.httpStatus, body: err.toBody() };
  if (err instanceof ControlError) return { status: err.status, body: { error: err.message } };
  if (err instanceof BodyTooLarge) return { status: 400, body: Errors.fileTooLarge().toBody() };
  sb.log(`unhandled error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return { status: 400, body: Errors.unknownException().toBody() };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function keyMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The request pipeline. Control routes (`/_sandbox/...`) skip key checks, rate limits and faults.
 * P100 routes go: count → rate limit → faults before → `x-api-key` → body → handler → faults after.
 */
export function createSandboxServer(sb: Sandbox, api: Router, control: Router): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const method = (req.method ?? 'GET').toUpperCase();
    const segments = splitPath(path);
    if (!segments) return send(res, { status: 400, body: Errors.validation('malformed path').toBody() });

    if (segments[0] === '_sandbox') {
      const m = control.match(method, segments);
      if (!m) return send(res, { status: 404, body: { error: `no control route ${method} ${path}` } });
      try {
        const raw = await readBody(req);
        const ctx: Ctx = { sb, req, params: m.params, query, body: parseJson(raw, req.headers['content-type']), raw };
        return send(res, await m.route.handler(ctx));
      } catch (err) {
        return send(res, errorReply(err, sb));
      }
    }

    // Drift mode: a moved route is not served at its old path, and is served at its new one.
    let m = api.match(method, segments);
    if (m && sb.drift.movedAway(m.route)) m = null;
    m ??= sb.drift.matchMoved(method, segments, api);
    const key = m ? m.route.key : 'UNMATCHED';
    sb.stats.set(key, (sb.stats.get(key) ?? 0) + 1);

    const wait = sb.limiter.take();
    if (wait > 0) return send(res, { status: 429, headers: { 'retry-after': String(wait) }, body: { message: 'Too Many Requests' } });

    const fault = sb.faults.decide(method, segments, sb.faultRng);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    switch (fault.action) {
      case 'resetBefore':
        req.socket.destroy();
        return;
      case 'status429':
        return send(res, { status: 429, headers: { 'retry-after': String(fault.retryAfterSeconds) }, body: { message: 'Too Many Requests' } });
      case 'status500':
        return send(res, { status: 500, text: 'Internal Server Error' });
      case 'p501':
        return send(res, { status: 400, body: Errors.serviceUnavailable().toBody() });
      case 'p500':
        return send(res, { status: 400, body: Errors.unknownException().toBody() });
      case 'none':
        break;
    }

    const given = req.headers['x-api-key'];
    if (given === undefined || given === '') return send(res, { status: 401, text: 'Access Denied. xo1' });
    if (typeof given !== 'string' || !keyMatches(given, sb.config.apiKey)) return send(res, { status: 401, text: 'Access Denied. xo2' });

    let reply: Reply;
    if (!m) {
      reply = api.hasPath(segments, (r) => sb.drift.movedAway(r))
        ? { status: 405, body: { message: 'Method Not Allowed' } }
        : { status: 404, body: { message: 'Not Found' } };
    } else {
      try {
        const raw = await readBody(req);
        const ctx: Ctx = { sb, req, params: m.params, query, body: parseJson(raw, req.headers['content-type']), raw };
        reply = await m.route.handler(ctx);
      } catch (err) {
        reply = errorReply(err, sb);
      }
      reply = sb.drift.reply(m.route.key, reply, m.params, query);
    }
    // The dangerous case: the effect happened, the caller never hears about it.
    if (fault.resetAfter) {
      req.socket.destroy();
      return;
    }
    send(res, reply);
  };

  return createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      sb.log(`request failed: ${String(err)}`);
      if (!res.headersSent) send(res, { status: 500, text: 'Internal Server Error' });
    });
  });
}
