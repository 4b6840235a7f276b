/**
 * lazyOperation (issue 15, B2): a handler loads its catalog entry on the first request, from the one catalog
 * module that declares it. The table in shared/catalog/lazy.ts says which module and the two facts the
 * handler needs before loading (kind, calls P100); here every row is checked against the catalog itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as m0 from '../../shared/catalog/cards.js';
import * as m11 from '../../shared/catalog/console.js';
import * as m12 from '../../shared/catalog/contract.js';
import * as m1 from '../../shared/catalog/crypto.js';
import * as m2 from '../../shared/catalog/documents.js';
import * as m3 from '../../shared/catalog/exchange.js';
import * as m4 from '../../shared/catalog/inbox.js';
import * as m5 from '../../shared/catalog/kyc.js';
import * as m6 from '../../shared/catalog/partner.js';
import * as m7 from '../../shared/catalog/reconciliation.js';
import * as m8 from '../../shared/catalog/sepa.js';
import * as m9 from '../../shared/catalog/transfers.js';
import * as m10 from '../../shared/catalog/user-operations.js';
import { getOperation, lazyCatalog, lazyOperation, operations } from '../../shared/catalog/index.js';
import { operationHandler } from '../../shared/http/index.js';
import { lambdaContext, v2Event } from '../support/events.js';

const catalogModules: Record<string, Record<string, unknown>> = {
  cards: m0,
  console: m11,
  contract: m12,
  crypto: m1,
  documents: m2,
  exchange: m3,
  inbox: m4,
  kyc: m5,
  partner: m6,
  reconciliation: m7,
  sepa: m8,
  transfers: m9,
  'user-operations': m10,
};

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : [path.join(dir, n)]));
}

describe('the lazy catalog table', () => {
  it('names, for every row, the module that declares the operation, its kind and whether it calls P100', () => {
    const wrong: string[] = [];
    for (const [operationId, [module, kind, callsUpstream]] of Object.entries(lazyCatalog)) {
      const declared = Object.values(catalogModules[module] ?? {});
      const op = getOperation(operationId);
      if (!declared.includes(op)) wrong.push(`${operationId}: not declared in shared/catalog/${module}.ts`);
      if (op.kind !== kind) wrong.push(`${operationId}: kind ${kind} in the table, ${op.kind} in the catalog`);
      if ((op.upstream !== null) !== callsUpstream) wrong.push(`${operationId}: callsUpstream ${callsUpstream} in the table`);
    }
    expect(wrong).toEqual([]);
  });

  it('has a row for every entry file that calls lazyOperation', () => {
    const used = files(path.join(repoRoot, 'functions')).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/lazyOperation\('([A-Za-z0-9]+)'\)/g)].map((m) => m[1]!),
    );
    expect(used.length).toBeGreaterThan(40);
    expect(used.filter((id) => !(id in lazyCatalog))).toEqual([]);
    // Rows name operations of the catalog only (an entry may still use getOperation: it then loads the whole
    // catalog at cold start, which bench B2 reports).
    const ids = new Set(operations.map((o) => o.operationId));
    expect(Object.keys(lazyCatalog).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('loads the very catalog object getOperation returns, once, and refuses an unknown id at cold start', async () => {
    const lazy = lazyOperation('getUserBalances');
    expect(lazy).toMatchObject({ operationId: 'getUserBalances', kind: 'read', callsUpstream: true });
    const [a, b] = await Promise.all([lazy.load(), lazy.load()]);
    expect(a).toBe(getOperation('getUserBalances'));
    expect(b).toBe(a);
    expect(() => lazyOperation('noSuchOperation')).toThrow(/add its row to shared\/catalog\/lazy\.ts/);
  });

  it('answers like the handler built from the full entry: the entry schema refuses a bad request with the same problem', async () => {
    const event = () => v2Event({ method: 'GET', path: '/users/bad id/balances', pathParameters: { externalUserId: 'bad id' } });
    const lazy = await (await operationHandler(lazyOperation('getUserBalances')))(event(), lambdaContext());
    const eager = await operationHandler(getOperation('getUserBalances'))(event(), lambdaContext());
    expect(lazy.statusCode).toBe(400);
    const fields = (r: typeof lazy) => (JSON.parse(r.body ?? '{}') as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields(lazy)).toEqual(['externalUserId']);
    expect({ status: lazy.statusCode, fields: fields(lazy) }).toEqual({ status: eager.statusCode, fields: fields(eager) });
  });
});
