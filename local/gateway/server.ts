import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lambdaContext, toV2Event } from './events.js';
import { RouteTable, type LocalRoute, type V2Handler } from './routes.js';

export interface GatewayOptions {
  port?: number;
  host?: string;
  routes: readonly LocalRoute[];
  /** API Gateway's own payload limit (10 MB for HTTP APIs). */
  maxBodyBytes?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  table: RouteTable;
  close(): Promise<void>;
}

interface V2Result {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

function problem(res: ServerResponse, status: number, title: string, detail?: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify({ type: `tag:p100-suite,2026:problem/gateway`, title, status, ...(detail ? { detail } : {}) }));
}

/**
 * The local API Gateway: matches the catalog's routes, builds payload-2.0 events, runs the same handler
 * modules as Lambda would (loaded on first use), and writes their responses back.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const table = new RouteTable(options.routes);
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const loaded = new Map<LocalRoute, Promise<V2Handler>>();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.byteLength;
      if (size > maxBody) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) return problem(res, 413, 'Request body too large');
      void handle(req, res, Buffer.concat(chunks));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const m = table.match(method, path);
    if (!m.route) {
      if (m.allowed.length) return problem(res, 405, 'Method not allowed', undefined, { allow: m.allowed.join(', ') });
      return problem(res, 404, 'Not found', `no route for ${method} ${path}`);
    }
    const route = m.route;
    try {
      let p = loaded.get(route);
      if (!p) {
        p = route.load();
        loaded.set(route, p);
      }
      const handler = await p;
      const event = toV2Event({ method, url, headers: req.headers, body, sourceIp: req.socket.remoteAddress }, route.path, m.pathParameters);
      const out = (await handler(event, lambdaContext(`${method} ${route.path}`, route.timeoutMs ?? 29_000))) as V2Result | string | undefined;
      writeResult(res, out);
    } catch (e) {
      // An unhandled throw in Lambda is a 500 "Internal Server Error" from API Gateway; the details stay in logs.
      console.error(
        JSON.stringify({ level: 'ERROR', message: 'handler threw', route: `${method} ${route.path}`, error: e instanceof Error ? e.name : 'unknown' }),
      );
      problem(res, 500, 'Internal Server Error');
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a handler's result the way API Gateway does for payload format 2.0 (a bare value becomes a JSON 200). */
function writeResult(res: ServerResponse, out: V2Result | string | undefined): void {
  if (out === undefined || typeof out === 'string' || out.statusCode === undefined) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof out === 'string' ? out : JSON.stringify(out ?? null));
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(out.headers ?? {})) headers[k] = String(v);
  if (out.cookies?.length) headers['set-cookie'] = out.cookies;
  res.writeHead(out.statusCode, headers);
  res.end(out.body === undefined ? undefined : out.isBase64Encoded ? Buffer.from(out.body, 'base64') : out.body);
}
