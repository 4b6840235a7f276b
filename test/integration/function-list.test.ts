import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionRoutes, functionSpecs } from '../../shared/functions.js';
import { webhookHealthPath } from '../../shared/webhooks/catalog.js';
import { suiteRoutes } from '../../local/gateway/suite-routes.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';

/** `METHOD /path -> entry`, sorted: one line per route so a diff names the route that differs. */
const keys = (routes: ReadonlyArray<{ method: string; path: string; entry?: string }>): string[] =>
  routes.map((r) => `${r.method} ${r.path} -> ${r.entry ?? '?'}`).sort();

describe('the local runner serves the one function list (shared/functions.ts)', () => {
  it('the local route table is the list of routes, method by method, each to its spec entry file', () => {
    const { routes, missing } = suiteRoutes();
    expect(missing).toEqual([]);
    const listed = functionSpecs().flatMap((spec) => functionRoutes(spec).map((r) => ({ ...r, entry: spec.entry })));
    expect(listed.some((r) => r.method === 'HEAD' && r.path === webhookHealthPath)).toBe(true);
    expect(keys(routes)).toEqual(keys(listed));
  });

  describe('against the local gateway', () => {
    let s: TestSuite;
    beforeAll(async () => {
      s = await startTestSuite();
    });
    afterAll(() => s.close());

    it('answers HEAD /webhook/health with 200 and no body, as GET with the status', async () => {
      const head = await fetch(`${s.api}${webhookHealthPath}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      const get = await fetch(`${s.api}${webhookHealthPath}`);
      expect(get.status).toBe(200);
      expect(await get.json()).toEqual({ status: 'ok' });
    });

    it('runs every job of the list on its local trigger stand-in (queues and schedule)', () => {
      const jobs = functionSpecs().flatMap((spec) => (spec.kind === 'job' ? [`${spec.job.trigger} -> ${spec.entry}`] : []));
      expect(
        Object.entries(s.local.jobs)
          .map(([trigger, spec]) => `${trigger} -> ${spec.entry}`)
          .sort(),
      ).toEqual(jobs.sort());
    });
  });
});
