import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { consoleCsp, consoleSecurityHeaders } from '../console/security.js';
import type { LocalRoute, V2Handler } from './gateway/routes.js';
import { repoRoot } from './gateway/suite-routes.js';

/**
 * The operator console locally: built with Vite (console/, Preact) into a directory that is never committed,
 * and served by the local gateway at `/console` with the same security headers and CSP CloudFront adds in
 * AWS (console/security.ts). Locally the console calls the operator routes on the same origin, and the
 * gateway asks for no credentials: the sign-in is bypassed (`auth.mode: none` in its config.json).
 */

export const consoleRoot = path.join(repoRoot, 'console');
/** Where `npm start` builds it (ignored by git, like every `dist/`). */
export const defaultConsoleOutDir = path.join(consoleRoot, 'dist');
/** The path the console is served at, locally and as Vite's `base` (asset URLs are absolute under it). */
export const CONSOLE_BASE = '/console/';

export interface ConsoleBuild {
  outDir: string;
  /** Every emitted file with its size and gzip size (the bundle-size report). */
  files: { file: string; bytes: number; gzipBytes: number }[];
}

/** Builds the console with Vite (production mode, minified) into `outDir`. */
export async function buildConsole(outDir = defaultConsoleOutDir): Promise<ConsoleBuild> {
  const [{ build }, { default: preact }, { gzipSync }, { readdir, stat }] = await Promise.all([
    import('vite'),
    import('@preact/preset-vite'),
    import('node:zlib'),
    import('node:fs/promises'),
  ]);
  await build({
    configFile: false,
    root: consoleRoot,
    base: CONSOLE_BASE,
    logLevel: 'warn',
    plugins: [preact()],
    build: { outDir, emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
  });
  const files: ConsoleBuild['files'] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const full = path.join(dir, name);
      if ((await stat(full)).isDirectory()) await walk(full);
      else {
        const body = await readFile(full);
        files.push({ file: path.relative(outDir, full), bytes: body.byteLength, gzipBytes: gzipSync(body).byteLength });
      }
    }
  };
  await walk(outDir);
  return { outDir, files };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function headers(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'cache-control': 'no-store',
    'content-security-policy': consoleCsp({ connect: [], httpsOnly: false }),
    ...consoleSecurityHeaders,
  };
}

/** The console's config.json locally: same-origin API, no sign-in. */
export function localConsoleConfig(): Record<string, unknown> {
  return { apiBase: '', stage: 'local', auth: { mode: 'none' }, runbookUrl: `${CONSOLE_BASE}runbook.md` };
}

/**
 * Gateway routes serving a built console from `outDir`: `/console` (index.html), `/console/config.json`,
 * `/console/{file}` and `/console/assets/{file}`. Names are checked against the directory listing
 * Vite wrote, so no request path can reach outside it.
 */
export function consoleRoutes(outDir: string): LocalRoute[] {
  const serve = (rel: (p: Record<string, string>) => string): V2Handler => {
    return async (event) => {
      const name = rel((event.pathParameters ?? {}) as Record<string, string>);
      // The runbook the dead-letter advice links to (docs/runbook.md), as text: in AWS the config names its URL.
      if (name === 'runbook.md')
        return { statusCode: 200, headers: headers('text/plain; charset=utf-8'), body: await readFile(path.join(repoRoot, 'docs', 'runbook.md'), 'utf8') };
      if (name === 'config.json') return { statusCode: 200, headers: headers(TYPES['.json'] as string), body: JSON.stringify(localConsoleConfig()) };
      // One plain name per segment: no dot segments, no separators (the route table splits on '/').
      if (!/^(assets\/)?[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(name) || name.includes('..'))
        return { statusCode: 404, headers: headers('text/plain'), body: 'not found' };
      try {
        const body = await readFile(path.join(outDir, name));
        const type = TYPES[path.extname(name)] ?? 'application/octet-stream';
        return { statusCode: 200, headers: headers(type), body: body.toString('base64'), isBase64Encoded: true };
      } catch {
        return { statusCode: 404, headers: headers('text/plain'), body: 'not found' };
      }
    };
  };
  const load = (h: V2Handler) => () => Promise.resolve(h);
  return [
    { method: 'GET', path: '/console', load: load(serve(() => 'index.html')) },
    // With the trailing slash too (issue 26): the address people type, and the one Vite's base names.
    { method: 'GET', path: '/console/', load: load(serve(() => 'index.html')) },
    { method: 'GET', path: '/console/{file}', load: load(serve((p) => p.file ?? '')) },
    { method: 'GET', path: '/console/assets/{file}', load: load(serve((p) => `assets/${p.file ?? ''}`)) },
  ];
}
