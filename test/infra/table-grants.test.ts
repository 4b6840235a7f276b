/**
 * Table grants follow the code (issue 12): each function holds exactly the DynamoDB actions the shared/
 * code paths it runs send, read from the source, and nothing CDK's grantReadWriteData would add.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessFor, dataPaths, tableActionsOf, type DataPathName, type SuiteTable } from '../../infra/lib/access.js';
import { functionSpecs } from '../../infra/lib/inventory.js';
import { functionNamed, synthSuite, type DeployedFunction, type Synthesized } from './synth.js';
import { readSources, TableCommandAnalyzer } from './table-commands.js';

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharedDir = path.join(repoRoot, 'shared');
const sources = readSources(sharedDir);
const analyzer = new TableCommandAnalyzer(sources);

const tableLogicalName: Record<SuiteTable, string> = { idempotency: 'IdempotencyTable', ledger: 'LedgerTable', inbox: 'InboxTable' };
const actionsOf = (st: DeployedFunction['statements'][number]): string[] => [st.Action].flat();

/**
 * The function's DynamoDB actions by table, read from the statements' resources (minimizePolicies merges
 * statements with the same actions, so one statement may name two tables).
 */
function dynamoGrants(fn: DeployedFunction): Partial<Record<SuiteTable, string[]>> {
  const out: Partial<Record<SuiteTable, Set<string>>> = {};
  for (const st of fn.statements.filter((x) => actionsOf(x).some((a) => a.startsWith('dynamodb:')))) {
    const resource = JSON.stringify(st.Resource);
    const tables = (Object.keys(tableLogicalName) as SuiteTable[]).filter((t) => resource.includes(tableLogicalName[t]));
    expect(tables.length, `a DynamoDB statement on no suite table: ${resource}`).toBeGreaterThan(0);
    for (const t of tables) out[t] = new Set([...(out[t] ?? []), ...actionsOf(st)]);
  }
  return Object.fromEntries(Object.entries(out).map(([t, a]) => [t, [...a].sort()]));
}

describe('the DynamoDB actions of each code path are those its source sends', () => {
  it.each(Object.entries(dataPaths) as Array<[DataPathName, (typeof dataPaths)[DataPathName]]>)('%s', (_name, p) => {
    expect(analyzer.actionsOf(p.entry)).toEqual(p.tables);
  });

  it('finds a table for every shared/ module that sends DynamoDB commands', () => {
    const modules = analyzer.commandsByModule();
    expect([...modules.keys()].sort()).toEqual([
      'idempotency/persistence.ts',
      'store/contract-reports.ts',
      'store/exceptions.ts',
      'store/inbox.ts',
      'store/ledger-users.ts',
      'store/ledger.ts',
      'store/reconciliation-ledger.ts',
      'store/reconciliation.ts',
    ]);
    for (const [file, m] of modules) expect(m.table, `${file} names ${m.tableNames.join(', ')}`).toBeDefined();
  });

  it('notices a command added on a path: a Scan in the inbox listing changes what listInboxEvents needs', () => {
    const patched = new Map(sources);
    const inbox = patched.get('store/inbox.ts')!;
    const marker = 'export async function listInboxEvents(';
    expect(inbox).toContain(marker);
    patched.set(
      'store/inbox.ts',
      inbox
        .replace(
          marker,
          `async function sneak() { const { doc, lib } = await dynamo(); await doc.send(new lib.ScanCommand({ TableName: table() })); }\n${marker}`,
        )
        .replace(/(export async function listInboxEvents\([^)]*\)[^{]*\{)/, '$1 await sneak();'),
    );
    const after = new TableCommandAnalyzer(patched).actionsOf(dataPaths.listInboxEvents.entry);
    expect(after.inbox).toContain('dynamodb:Scan');
    expect(after).not.toEqual(dataPaths.listInboxEvents.tables);
  });

  it('refuses a DynamoDB command it has no grant mapping for (a transaction) instead of ignoring it', () => {
    const patched = new Map(sources);
    patched.set(
      'store/ledger-users.ts',
      `${patched.get('store/ledger-users.ts')!}\nexport async function tx() { const { doc, lib } = await dynamo(); await doc.send(new lib.TransactWriteCommand({ TransactItems: [] })); }\n`,
    );
    expect(() => new TableCommandAnalyzer(patched).commandsByModule()).toThrow(/TransactWriteCommand has no grant mapping/);
  });
});

describe('every function is granted what its entry file reaches', () => {
  const importedFromShared = (entry: string): string[] => {
    const text = readFileSync(path.join(repoRoot, entry), 'utf8');
    const names = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'\.\.\/\.\.\/shared\/index\.js'/g)].flatMap((m) => m[1]!.split(','));
    return names.map((n) => n.trim().replace(/^type\s+/, '')).filter(Boolean);
  };

  it('covers each function: the table actions of what its handler file imports are in its grants', () => {
    let checked = 0;
    for (const spec of functionSpecs()) {
      const granted = tableActionsOf(accessFor(spec));
      // operationHandler wraps by catalog entry (withIdempotency for money, withUserLedger with a mapping):
      // granted by kind and checked above; everything else the file imports (impls, receivers, jobs) is followed here.
      for (const name of importedFromShared(spec.entry).filter((n) => n !== 'operationHandler')) {
        const reached = analyzer.actionsOf(`index.ts#${name}`);
        for (const [table, actions] of Object.entries(reached) as Array<[SuiteTable, string[]]>) {
          expect(granted[table] ?? [], `${spec.name} (${name}) on ${table}`).toEqual(expect.arrayContaining(actions));
          checked++;
        }
      }
    }
    // The inbox routes, the reconciliation routes, receivers, processor and jobs reach tables.
    expect(checked).toBeGreaterThanOrEqual(20);
  });
});

describe('the template grants exactly those actions', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite();
  });

  it('gives every function, per table, the actions of its code paths and nothing more', () => {
    for (const spec of functionSpecs()) {
      const fn = functionNamed(s, spec.name)!;
      expect(dynamoGrants(fn), spec.name).toEqual(tableActionsOf(accessFor(spec)));
    }
  });

  it('grants Scan and BatchWriteItem to the two reconciliation functions only (CDK defaults gave them to 41 statements)', () => {
    const all = functionSpecs().map((spec) => ({ spec, fn: functionNamed(s, spec.name)! }));
    // Scan also to the operator's timeline: a user's operations have no index (ASSUMPTIONS.md O3), a bounded scan.
    const expected = { 'dynamodb:Scan': ['getTimeline', 'reconcile', 'reconcileUsers'], 'dynamodb:BatchWriteItem': ['reconcile', 'reconcileUsers'] };
    for (const [action, names] of Object.entries(expected)) {
      const holders = all.filter(({ fn }) => fn.statements.some((st) => actionsOf(st).includes(action))).map(({ spec }) => spec.name);
      expect(holders.sort(), action).toEqual(names);
    }
  });

  it('grants DeleteItem only where the code deletes: idempotency key release and the reconciliation lock', () => {
    for (const spec of functionSpecs()) {
      const fn = functionNamed(s, spec.name)!;
      for (const st of fn.statements.filter((x) => actionsOf(x).includes('dynamodb:DeleteItem'))) {
        const resource = JSON.stringify(st.Resource);
        const reconciliation = spec.kind === 'job' && spec.job.trigger !== 'webhook-queue';
        expect(resource.includes('IdempotencyTable') || (reconciliation && resource.includes('LedgerTable')), `${spec.name}: ${resource}`).toBe(true);
      }
    }
  });

  it('lets read-only paths read: the report and the inbox listing hold no write action', () => {
    for (const name of ['getReconciliationReport', 'listInboxEvents']) {
      const grants = Object.values(dynamoGrants(functionNamed(s, name)!)).flat();
      expect(grants.length, name).toBeGreaterThan(0);
      expect(
        grants.filter((a) => /PutItem|UpdateItem|DeleteItem|BatchWriteItem/.test(a)),
        name,
      ).toEqual([]);
    }
  });

  it('names the gsi1 index only for functions that query or scan, never index/*', () => {
    for (const spec of functionSpecs()) {
      for (const st of functionNamed(s, spec.name)!.statements) {
        const resource = JSON.stringify(st.Resource);
        expect(resource, spec.name).not.toContain('index/*');
        if (resource.includes('/index/gsi1'))
          expect(
            actionsOf(st).some((a) => a === 'dynamodb:Query' || a === 'dynamodb:Scan'),
            spec.name,
          ).toBe(true);
      }
    }
  });
});
