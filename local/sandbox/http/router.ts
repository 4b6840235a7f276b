import type { Handler } from './types.js';

export interface Route {
  method: string;
  /** Template as written, e.g. `/v1/card/details/{externalUserId}/{cardId}`; also the stats key. */
  template: string;
  key: string;
  segments: string[];
  handler: Handler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * A small segment router. Routes are bucketed by method and segment count, and literal segments
 * win over parameters (`/v1/user/balances/crypto` before `/v1/user/balances/{externalUserId}`), so
 * a match is a handful of string compares.
 */
export class Router {
  #buckets = new Map<string, Route[]>();
  readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    const segments = template.split('/').filter(Boolean);
    const route: Route = { method, template, key: `${method} ${template}`, segments, handler };
    const bucketKey = `${method} ${segments.length}`;
    const bucket = this.#buckets.get(bucketKey) ?? [];
    bucket.push(route);
    // More literal segments first, so the most specific route wins.
    bucket.sort((a, b) => literalCount(b) - literalCount(a));
    this.#buckets.set(bucketKey, bucket);
    this.routes.push(route);
    return this;
  }

  match(method: string, segments: readonly string[]): RouteMatch | null {
    const bucket = this.#buckets.get(`${method} ${segments.length}`);
    if (!bucket) return null;
    outer: for (const route of bucket) {
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const t = route.segments[i] as string;
        const s = segments[i] as string;
        if (t.charCodeAt(0) === 123 /* { */) params[t.slice(1, -1)] = s;
        else if (t !== s) continue outer;
      }
      return { route, params };
    }
    return null;
  }

  /** True when some route has this path under another method (for a 405 instead of a 404). */
  hasPath(segments: readonly string[], except?: (r: Route) => boolean): boolean {
    return this.routes.some((r) => !except?.(r) && r.segments.length === segments.length && r.segments.every((t, i) => t.startsWith('{') || t === segments[i]));
  }
}

function literalCount(r: Route): number {
  return r.segments.filter((s) => !s.startsWith('{')).length;
}

/** Splits a path into decoded segments; `null` when a segment is not valid percent-encoding. */
export function splitPath(path: string): string[] | null {
  const out: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    try {
      out.push(raw.includes('%') ? decodeURIComponent(raw) : raw);
    } catch {
      return null;
    }
  }
  return out;
}
