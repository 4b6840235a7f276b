import type { IncomingMessage } from 'node:http';
import type { Sandbox } from '../sandbox.js';

/** What a route handler receives. The body is read once by the server before dispatch. */
export interface Ctx {
  sb: Sandbox;
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON object (empty object when the body is empty); multipart routes use `raw`. */
  body: Record<string, unknown>;
  raw: Buffer;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Plain-text body instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const message = (text: string, status = 200): Reply => ({ status, body: { message: text } });
