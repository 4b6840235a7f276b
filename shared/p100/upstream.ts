import type { HttpMethod, Operation, UpstreamCall } from '../catalog/types.js';
import { ENV, readEnv } from '../config/env.js';

type Overrides = Record<string, { method?: HttpMethod; path?: string }>;

let cachedRaw: string | undefined;
let cached: Overrides = {};

const METHODS = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Parses P100_UPSTREAM_OVERRIDES, failing loudly at cold start on a malformed value. */
export function parseOverrides(raw: string | undefined): Overrides {
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${ENV.upstreamOverrides} must be a JSON object`);
  const out: Overrides = {};
  for (const [id, v] of Object.entries(parsed)) {
    if (!v || typeof v !== 'object') throw new Error(`${ENV.upstreamOverrides}.${id} must be an object`);
    const { method, path } = v as { method?: unknown; path?: unknown };
    if (method !== undefined && !METHODS.has(method as HttpMethod)) throw new Error(`${ENV.upstreamOverrides}.${id}.method is not an HTTP method`);
    if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) throw new Error(`${ENV.upstreamOverrides}.${id}.path must start with /`);
    out[id] = { method: method as HttpMethod | undefined, path: path as string | undefined };
  }
  return out;
}

/** The upstream call of an operation after configuration overrides (ASSUMPTIONS.md: every guess is overridable). */
export function resolveUpstream(op: Pick<Operation, 'operationId' | 'upstream'>, env: NodeJS.ProcessEnv = process.env): UpstreamCall {
  if (!op.upstream) throw new Error(`${op.operationId} has no upstream call`);
  const raw = readEnv(ENV.upstreamOverrides, env);
  if (raw !== cachedRaw) {
    cached = parseOverrides(raw);
    cachedRaw = raw;
  }
  const o = cached[op.operationId];
  return o ? { ...op.upstream, method: o.method ?? op.upstream.method, path: o.path ?? op.upstream.path } : op.upstream;
}

/**
 * A value that could change the shape of a path once a server or proxy normalises it: empty, a dot segment,
 * a separator (raw or percent-encoded: `%` itself is refused), a query or fragment delimiter, a control character.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is what this pattern is for
const UNSAFE_SEGMENT = /^\.{0,2}$|[/\\?#%\u0000-\u001f\u007f]/;

/**
 * Fills `{name}` placeholders, URL-encoding each value. The result always has the template's shape: every
 * placeholder stays exactly one segment (issue 13). Request validation refuses such ids with a 400 first;
 * reaching this throw is a programming error (a missing value too), never a call to another P100 path.
 */
export function fillPath(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`No value for path parameter {${name}} in ${template}`);
    if (UNSAFE_SEGMENT.test(v)) throw new Error(`Refusing ${JSON.stringify(v)} as path parameter {${name}} of ${template}: it would change the path`);
    return encodeURIComponent(v);
  });
}
