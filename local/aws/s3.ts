import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An S3 stand-in for the upload bucket: path-style PUT, GET and HEAD of objects over HTTP, in memory.
 * Signatures are not checked (presigned URLs and SDK requests alike are accepted); metadata comes from
 * `x-amz-meta-*` headers or, as presigned URLs carry it, query parameters. The unchanged handlers reach it
 * through AWS_ENDPOINT_URL_S3 with `forcePathStyle`. Written here because the S3 emulators on npm are
 * either unmaintained or far larger than three verbs need.
 */
export interface LocalS3 {
  endpoint: string;
  /** Objects by `bucket/key` (tests inspect and seed them). */
  readonly objects: Map<string, StoredObject>;
  close(): Promise<void>;
}

export interface StoredObject {
  body: Buffer;
  contentType: string;
  metadata: Record<string, string>;
  etag: string;
  lastModified: Date;
}

/** Larger than any document limit, so over-limit uploads can be stored and refused by the handlers. */
const MAX_OBJECT_BYTES = 32 * 1024 * 1024;

export async function startS3(port = 0): Promise<LocalS3> {
  const objects = new Map<string, StoredObject>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.byteLength;
      if (size <= MAX_OBJECT_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks), size);
      } catch {
        xmlError(res, 500, 'InternalError', 'stand-in failure');
      }
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer, size: number): void {
    const url = new URL(req.url ?? '/', 'http://s3.local');
    const [bucket, ...rest] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const key = rest.join('/');
    if (!bucket || !key) {
      xmlError(res, 400, 'InvalidRequest', 'path-style /<bucket>/<key> expected');
      return;
    }
    const id = `${bucket}/${key}`;
    switch (req.method) {
      case 'PUT': {
        if (size > MAX_OBJECT_BYTES) {
          xmlError(res, 400, 'EntityTooLarge', 'object too large for the stand-in');
          return;
        }
        const declared = req.headers['content-length'];
        if (declared !== undefined && Number(declared) !== body.byteLength) {
          xmlError(res, 400, 'IncompleteBody', 'body length differs from Content-Length');
          return;
        }
        const metadata: Record<string, string> = {};
        for (const [k, v] of url.searchParams) if (k.toLowerCase().startsWith('x-amz-meta-')) metadata[k.toLowerCase().slice(11)] = v;
        for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-amz-meta-') && typeof v === 'string') metadata[k.slice(11)] = v;
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        objects.set(id, { body, contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'), metadata, etag, lastModified: new Date() });
        res.writeHead(200, { etag });
        return void res.end();
      }
      case 'GET':
      case 'HEAD': {
        const o = objects.get(id);
        if (!o) {
          if (req.method === 'HEAD') {
            res.writeHead(404);
            return void res.end();
          }
          xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
          return;
        }
        const headers: Record<string, string> = {
          'content-type': o.contentType,
          'content-length': String(o.body.byteLength),
          etag: o.etag,
          'last-modified': o.lastModified.toUTCString(),
        };
        for (const [k, v] of Object.entries(o.metadata)) headers[`x-amz-meta-${k}`] = v;
        res.writeHead(200, headers);
        return void res.end(req.method === 'GET' ? o.body : undefined);
      }
      case 'DELETE':
        objects.delete(id);
        res.writeHead(204);
        return void res.end();
      default:
        xmlError(res, 405, 'MethodNotAllowed', `${req.method ?? ''} is not supported by the stand-in`);
    }
  }

  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const { port: actual } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    objects,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function xmlError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}
