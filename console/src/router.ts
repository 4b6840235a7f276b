import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/inbox?state=DEAD`): the page is one file in a bucket, so a deep link never asks the origin
 * for a path it does not have.
 */
export interface Route {
  path: string[];
  params: URLSearchParams;
  /** The whole hash: screens are keyed by it, so Back, Forward and reload rebuild every form from the URL. */
  hash: string;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [p = '/', q = ''] = raw.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(q), hash: raw };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function href(path: string, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

/** Goes to a screen state: a new history entry, so Back returns to the state before. */
export function navigate(path: string, params: Record<string, string | undefined> = {}): void {
  location.hash = href(path, params);
}

/** The current params with some changed (undefined or '' removes one). */
export function withParams(params: URLSearchParams, changes: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = Object.fromEntries(params.entries());
  for (const [k, v] of Object.entries(changes)) out[k] = v;
  return out;
}

/**
 * Previous and next page links of a list read with forward-only cursors: the cursors of the pages before
 * travel in the URL (`back`, `~`-separated; `0` is the first page), so Previous, Back and reload all work.
 */
export function cursorPages(path: string, params: URLSearchParams, nextCursor: string | undefined): { prev?: string; next?: string; pagesBefore: number } {
  const cursor = params.get('cursor') ?? '';
  const back = (params.get('back') ?? '').split('~').filter(Boolean);
  const last = back[back.length - 1];
  return {
    pagesBefore: back.length,
    ...(last !== undefined ? { prev: href(path, withParams(params, { cursor: last === '0' ? undefined : last, back: back.slice(0, -1).join('~') })) } : {}),
    ...(nextCursor ? { next: href(path, withParams(params, { cursor: nextCursor, back: [...back, cursor || '0'].join('~') })) } : {}),
  };
}
