import type { HttpMethod } from '../../shared/catalog/types.js';

/** A Lambda handler as API Gateway calls it (payload format 2.0). */
export type V2Handler = (event: import('aws-lambda').APIGatewayProxyEventV2, context: import('aws-lambda').Context) => Promise<unknown>;

export interface LocalRoute {
  method: HttpMethod | 'HEAD';
  /** API Gateway route path with `{name}` parameters (greedy `{name+}` is not used by the suite). */
  path: string;
  /** Loads the handler on first use, as a cold start would. */
  load: () => Promise<V2Handler>;
  /** The entry file `load` imports, when the route runs a function of shared/functions.ts (tests compare the two). */
  entry?: string;
  /** Function timeout in ms (the handler's `getRemainingTimeInMillis` counts down from it). */
  timeoutMs?: number;
}

interface Compiled {
  route: LocalRoute;
  re: RegExp;
  names: string[];
  /** Literal segments count first: `/cards/limits` wins over `/cards/{cardId}` as in API Gateway. */
  rank: number;
}

/** Matches requests to routes the way API Gateway HTTP APIs do for the shapes the suite uses. */
export class RouteTable {
  readonly #byMethod = new Map<string, Compiled[]>();

  constructor(routes: readonly LocalRoute[]) {
    for (const route of routes) {
      const names: string[] = [];
      const segments = route.path.split('/').filter(Boolean);
      const pattern = segments
        .map((seg) => {
          const m = /^\{([A-Za-z0-9_]+)\}$/.exec(seg);
          if (m?.[1]) {
            names.push(m[1]);
            return '/([^/]+)';
          }
          return `/${seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
        })
        .join('');
      // A route declared with a trailing slash (`/console/`) matches only with it, as its own route.
      const slash = route.path.length > 1 && route.path.endsWith('/') ? '/' : '';
      const compiled: Compiled = { route, re: new RegExp(`^${pattern || '/'}${pattern ? slash : ''}$`), names, rank: segments.length - names.length };
      const list = this.#byMethod.get(route.method) ?? [];
      list.push(compiled);
      list.sort((a, b) => b.rank - a.rank);
      this.#byMethod.set(route.method, list);
    }
  }

  /** The route and its decoded path parameters, or undefined. `allowed` lists methods the path supports. */
  match(method: string, path: string): { route: LocalRoute; pathParameters: Record<string, string> } | { route?: undefined; allowed: string[] } {
    for (const c of this.#byMethod.get(method) ?? []) {
      const m = c.re.exec(path);
      if (!m) continue;
      const pathParameters: Record<string, string> = {};
      c.names.forEach((n, i) => {
        pathParameters[n] = safeDecode(m[i + 1] ?? '');
      });
      return { route: c.route, pathParameters };
    }
    const allowed: string[] = [];
    for (const [m, list] of this.#byMethod) if (list.some((c) => c.re.test(path))) allowed.push(m);
    return { allowed };
  }

  get routes(): LocalRoute[] {
    return [...this.#byMethod.values()].flat().map((c) => c.route);
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
