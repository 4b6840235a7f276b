import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { functionRoutes, functionSpecs, jobTriggeredBy, type FunctionSpec } from '../../shared/functions.js';
import { jobs } from '../../shared/jobs.js';

const job = (name: string, trigger: 'webhook-queue' | 'reconcile-queue' | 'schedule'): FunctionSpec => ({
  kind: 'job',
  name,
  entry: `functions/jobs/${name}.ts`,
  job: { name, entry: `functions/jobs/${name}.ts`, trigger, summary: '', resources: {} },
});

describe('the function list (shared/functions.ts)', () => {
  it('names every function once, and gives every job of shared/jobs.ts its entry and no route', () => {
    const specs = functionSpecs();
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
    for (const j of jobs) {
      const spec = specs.find((s) => s.name === j.name);
      expect(spec?.entry, j.name).toBe(j.entry);
      expect(functionRoutes(spec!), j.name).toEqual([]);
    }
  });

  it('routes no two functions to the same METHOD /path', () => {
    const keys = functionSpecs().flatMap((s) => functionRoutes(s).map((r) => `${r.method} ${r.path}`));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('finds the one job a trigger feeds, and refuses a trigger with none or with two', () => {
    expect(jobTriggeredBy('webhook-queue').entry).toBe('functions/jobs/webhookProcessor.ts');
    expect(jobTriggeredBy('reconcile-queue').entry).toBe('functions/jobs/reconcileUsers.ts');
    expect(jobTriggeredBy('schedule').entry).toBe('functions/jobs/reconcile.ts');
    expect(() => jobTriggeredBy('schedule', [job('a', 'webhook-queue')])).toThrow(/"schedule" feeds 0 jobs/);
    expect(() => jobTriggeredBy('schedule', [job('a', 'schedule'), job('b', 'schedule')])).toThrow(/"schedule" feeds 2 jobs \(a, b\)/);
  });

  it('gives Lambda a function: every entry that builds its handler awaits it at init (an un-awaited one exports a Promise)', () => {
    const builders = /\b(operationHandler|webhookReceiver|webhookProcessorHandler|prepareReconcileJob)\(/g;
    for (const spec of functionSpecs()) {
      const source = readFileSync(spec.entry, 'utf8');
      for (const m of source.matchAll(builders)) {
        if (source.slice(0, m.index).endsWith('import {') || /import[^;]*$/.test(source.slice(0, m.index))) continue;
        expect(source.slice(Math.max(0, (m.index ?? 0) - 6), m.index), `${spec.entry}: ${m[1]}(...) must be awaited`).toBe('await ');
      }
    }
  });
});
