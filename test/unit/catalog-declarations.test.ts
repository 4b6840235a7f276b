import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dataPaths, type DataPath } from '../../infra/lib/access.js';
import { entryFileOf, operations, type Operation } from '../../shared/catalog/index.js';
import * as layer from '../../shared/index.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** What an entry file hands to operationHandler: its operationId and the name of its `impl`, if any. */
function entryCall(op: Operation): { operationId: string; impl: string | undefined } {
  const source = readFileSync(resolve(repoRoot, entryFileOf(op)), 'utf8');
  const m = /operationHandler\((?:getOperation|lazyOperation)\('([A-Za-z0-9]+)'\)(?:,\s*\{\s*impl:\s*([A-Za-z0-9_]+)\s*\})?\)/.exec(source);
  if (!m) throw new Error(`${entryFileOf(op)} does not call operationHandler(getOperation(...)) or operationHandler(lazyOperation(...)) in the house form`);
  return { operationId: m[1] as string, impl: m[2] };
}

const split = (ref: string): { module: string; name: string } => {
  const [module = '', name = ''] = ref.split('#');
  return { module, name };
};

describe('catalog `impl`: custom behaviour is findable from the catalog entry', () => {
  it('every entry file passes exactly the impl its catalog entry names, and none other', () => {
    const mismatches = operations.flatMap((op) => {
      const call = entryCall(op);
      const declared = op.impl === undefined ? undefined : split(op.impl).name;
      return call.operationId !== op.operationId || call.impl !== declared
        ? [`${op.operationId}: entry passes ${call.impl ?? 'no impl'}, catalog says ${op.impl ?? 'none'}`]
        : [];
    });
    expect(mismatches).toEqual([]);
  });

  it('each named impl is a function exported by its module, the same one the layer hands to the entry files', async () => {
    const withImpl = operations.filter((op) => op.impl !== undefined);
    expect(withImpl.map((op) => op.operationId).sort()).toEqual([
      'addKycFile',
      'addPoaFile',
      'changeException',
      'createUploadUrl',
      'getContractReport',
      'getException',
      'getInboxEvent',
      'getOperationsOverview',
      'getReconciliationReport',
      'getTimeline',
      'listExceptions',
      'listInboxEvents',
      'listReconciliationRuns',
      'replayDeadInboxEvents',
      'replayInboxEvent',
      'startReconciliation',
    ]);
    for (const op of withImpl) {
      const { module, name } = split(op.impl ?? '');
      const mod = (await import(`../../shared/${module.replace(/\.ts$/, '.js')}`)) as Record<string, unknown>;
      expect(typeof mod[name], op.impl).toBe('function');
      expect((layer as Record<string, unknown>)[name], op.impl).toBe(mod[name]);
    }
  });

  it('a data path named after an operation starts at that operation’s impl', () => {
    for (const op of operations) {
      const path: DataPath | undefined = (dataPaths as Record<string, DataPath>)[op.operationId];
      if (path === undefined) continue;
      expect(op.impl, op.operationId).toBe(path.entry);
      expect(op.resources?.data, op.operationId).toContain(op.operationId);
    }
  });
});

describe('catalog `links`', () => {
  it('link to operations of the catalog, with parameters the target has in its path', () => {
    const ids = new Map(operations.map((op) => [op.operationId, op]));
    const linked = operations.filter((op) => op.links !== undefined);
    expect(linked.length).toBeGreaterThan(0);
    for (const op of linked) {
      for (const link of op.links ?? []) {
        const target = ids.get(link.operationId);
        expect(target, `${op.operationId} → ${link.operationId}`).toBeDefined();
        for (const name of Object.keys(link.parameters)) expect(target?.route.path, `${op.operationId} → ${link.operationId}.${name}`).toContain(`{${name}}`);
      }
    }
  });
});
