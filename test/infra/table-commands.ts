/**
 * Reads shared/ (TypeScript AST, no type checker) to find which DynamoDB commands a code path sends:
 * from an entry `module#export`, it follows every reference to a top-level function, constant or class,
 * within the module and across relative imports (barrels and re-exports included), and collects each
 * `new <lib>.<X>Command(...)` of a DynamoDB command class, on the table its module names with
 * `ENV.<table>Table`. A class counts as a whole (all its methods). Type positions are skipped.
 *
 * It over-approximates (a shadowed name is still followed), never under-approximates a reachable call,
 * which is the safe direction for a grant check: a command added anywhere on the path shows up.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { SuiteTable, TableAction } from '../../infra/lib/access.js';

/** lib-dynamodb (and client-dynamodb) command classes → the IAM action DynamoDB checks. */
const commandActions: Readonly<Record<string, TableAction>> = {
  GetCommand: 'dynamodb:GetItem',
  GetItemCommand: 'dynamodb:GetItem',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  PutCommand: 'dynamodb:PutItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
};
/** DynamoDB commands with no mapping here: finding one fails the analysis, so its grant is decided on purpose. */
const unsupported = /^(Transact(Get|Write)(Items)?|ExecuteStatement|BatchExecuteStatement|ExecuteTransaction)Command$/;

const tableOfEnv: Readonly<Record<string, SuiteTable>> = { idempotencyTable: 'idempotency', ledgerTable: 'ledger', inboxTable: 'inbox' };

export type TableActions = Partial<Record<SuiteTable, TableAction[]>>;

interface ModuleInfo {
  file: string;
  source: ts.SourceFile;
  /** Top-level declarations by name (functions, variables, classes). */
  decls: Map<string, ts.Node>;
  /** Local name → where it comes from. */
  imports: Map<string, { from: string; name: string } | { from: string; namespace: true }>;
  /** Exported name → local name (`export { a as b }`). */
  localExports: Map<string, string>;
  /** Exported name → module and its name there (`export { a as b } from`). */
  reExports: Map<string, { from: string; name: string }>;
  starExports: string[];
  /** The table the module's commands go to (from `ENV.<x>Table`), undefined when it names none. */
  table: SuiteTable | undefined;
  tableNames: string[];
}

/** Every .ts file under `root` (tests excluded), as `relative path → text`. */
export function readSources(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts'))
        out.set(path.relative(root, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return out;
}

export class TableCommandAnalyzer {
  readonly #files: ReadonlyMap<string, string>;
  readonly #modules = new Map<string, ModuleInfo>();
  readonly #edgeCache = new Map<string, Array<{ file: string; name: string }>>();

  constructor(files: ReadonlyMap<string, string>) {
    this.#files = files;
  }

  /** Table → sorted actions sent by everything the entry (`module#export`) reaches. */
  actionsOf(entry: string): TableActions {
    const [file, name] = entry.split('#') as [string, string];
    const target = this.#resolveExport(file, name, new Set());
    if (!target) throw new Error(`${entry}: no such export in shared/`);
    const found = new Map<SuiteTable, Set<TableAction>>();
    // Plain reachability (depth first, each declaration once), then the union of their own commands.
    const seen = new Set<string>();
    const stack = [target];
    while (stack.length > 0) {
      const d = stack.pop()!;
      const key = `${d.file}#${d.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const own = this.#own(d.file, d.name);
      if (own) found.set(own.table, new Set([...(found.get(own.table) ?? []), ...own.actions]));
      stack.push(...this.#edges(d.file, d.name));
    }
    return Object.fromEntries([...found].filter(([, a]) => a.size > 0).map(([t, a]) => [t, [...a].sort()])) as TableActions;
  }

  /** Every DynamoDB command class each module sends, by module (module-level view, no call graph). */
  commandsByModule(): Map<string, { table: SuiteTable | undefined; tableNames: string[]; actions: TableAction[] }> {
    const out = new Map<string, { table: SuiteTable | undefined; tableNames: string[]; actions: TableAction[] }>();
    for (const file of this.#files.keys()) {
      const m = this.#module(file)!;
      const actions = new Set<TableAction>();
      this.#commandsIn(m, m.source, actions);
      if (actions.size > 0) out.set(file, { table: m.table, tableNames: m.tableNames, actions: [...actions].sort() });
    }
    return out;
  }

  #module(file: string): ModuleInfo | undefined {
    const cached = this.#modules.get(file);
    if (cached) return cached;
    const text = this.#files.get(file);
    if (text === undefined) return undefined;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const m: ModuleInfo = {
      file,
      source,
      decls: new Map(),
      imports: new Map(),
      localExports: new Map(),
      reExports: new Map(),
      starExports: [],
      table: undefined,
      tableNames: [],
    };
    const rel = (spec: string): string | undefined => (spec.startsWith('.') ? this.#resolveFile(file, spec) : undefined);
    for (const st of source.statements) {
      if (ts.isFunctionDeclaration(st) && st.name) m.decls.set(st.name.text, st);
      else if (ts.isClassDeclaration(st) && st.name) m.decls.set(st.name.text, st);
      else if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) m.decls.set(d.name.text, d);
      } else if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause && !st.importClause.isTypeOnly) {
        const from = rel(st.moduleSpecifier.text);
        if (!from) continue;
        const b = st.importClause.namedBindings;
        if (b && ts.isNamespaceImport(b)) m.imports.set(b.name.text, { from, namespace: true });
        else if (b && ts.isNamedImports(b))
          for (const e of b.elements) if (!e.isTypeOnly) m.imports.set(e.name.text, { from, name: (e.propertyName ?? e.name).text });
      } else if (ts.isExportDeclaration(st) && !st.isTypeOnly) {
        const from = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? rel(st.moduleSpecifier.text) : undefined;
        if (st.moduleSpecifier && !from) continue;
        if (!st.exportClause) {
          if (from) m.starExports.push(from);
        } else if (ts.isNamedExports(st.exportClause)) {
          for (const e of st.exportClause.elements) {
            if (e.isTypeOnly) continue;
            const orig = (e.propertyName ?? e.name).text;
            if (from) m.reExports.set(e.name.text, { from, name: orig });
            else m.localExports.set(e.name.text, orig);
          }
        }
      }
    }
    m.tableNames = [...new Set([...text.matchAll(/\bENV\.(\w+Table)\b/g)].map((x) => x[1]!))];
    const tables = [...new Set(m.tableNames.map((n) => tableOfEnv[n]).filter((t): t is SuiteTable => t !== undefined))];
    m.table = tables.length === 1 ? tables[0] : undefined;
    this.#modules.set(file, m);
    return m;
  }

  #resolveFile(from: string, spec: string): string | undefined {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
    for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base.replace(/\.js$/, '')}/index.ts`])
      if (this.#files.has(candidate)) return candidate;
    return undefined;
  }

  /** Where an exported name is declared, through re-exports and barrels. */
  #resolveExport(file: string, name: string, seen: Set<string>): { file: string; name: string } | undefined {
    const key = `${file}#${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const m = this.#module(file);
    if (!m) return undefined;
    const local = m.localExports.get(name) ?? name;
    if (m.decls.has(local)) return { file, name: local };
    const imported = m.imports.get(local);
    if (imported && 'name' in imported) return this.#resolveExport(imported.from, imported.name, seen);
    const re = m.reExports.get(name);
    if (re) return this.#resolveExport(re.from, re.name, seen);
    for (const star of m.starExports) {
      const r = this.#resolveExport(star, name, seen);
      if (r) return r;
    }
    return undefined;
  }

  /** Own commands of one declaration, on its module's table. */
  #own(file: string, name: string): { table: SuiteTable; actions: Set<TableAction> } | undefined {
    const m = this.#module(file)!;
    const actions = new Set<TableAction>();
    this.#commandsIn(m, m.decls.get(name)!, actions);
    if (actions.size === 0) return undefined;
    if (!m.table)
      throw new Error(
        `${file}#${name} sends DynamoDB commands, but ${file} names ${m.tableNames.length ? `several tables (${m.tableNames.join(', ')})` : 'no table'} (ENV.<x>Table)`,
      );
    return { table: m.table, actions };
  }

  /** The declarations one declaration refers to (same module and through imports). */
  #edges(file: string, name: string): Array<{ file: string; name: string }> {
    const cached = this.#edgeCache.get(`${file}#${name}`);
    if (cached) return cached;
    const m = this.#module(file)!;
    const out: Array<{ file: string; name: string }> = [];
    const follow = (target: { file: string; name: string } | undefined): void => {
      if (target) out.push(target);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
        const imp = m.imports.get(node.expression.text);
        if (imp && 'namespace' in imp) {
          follow(this.#resolveExport(imp.from, node.name.text, new Set()));
          return;
        }
      }
      if (ts.isIdentifier(node) && !isNonReference(node)) {
        const n = node.text;
        if (n !== name && m.decls.has(n)) follow({ file, name: n });
        else {
          const imp = m.imports.get(n);
          if (imp && 'name' in imp) follow(this.#resolveExport(imp.from, imp.name, new Set()));
        }
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(m.decls.get(name)!, visit);
    this.#edgeCache.set(`${file}#${name}`, out);
    return out;
  }

  #commandsIn(m: ModuleInfo, root: ts.Node, into: Set<TableAction>): void {
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node)) {
        const e = node.expression;
        const cls = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
        if (cls && unsupported.test(cls))
          throw new Error(`${m.file}: ${cls} has no grant mapping (test/infra/table-commands.ts); decide its IAM actions first`);
        const action = cls ? commandActions[cls] : undefined;
        if (action) into.add(action);
      }
      ts.forEachChild(node, visit);
    };
    visit(root);
  }
}

/** Identifiers that name something rather than refer to a declaration: `x.name`, `{ name: v }`, declarations. */
function isNonReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return true;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p)) && p.name === id)
    return true;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p) || ts.isBindingElement(p)) && p.name === id)
    return true;
  return false;
}
