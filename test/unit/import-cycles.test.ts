/**
 * shared/ has no import cycle, type-only imports included (issue 14 item 2). A cycle through `import type`
 * costs nothing at run time, but it ties two modules into one unit a reader has to take in together, and it
 * is how a runtime cycle (a module seen half-initialised) slips in with the next edit.
 *
 * The graph is read with the TypeScript parser (no type checker): every `import`/`export ... from`
 * declaration, `import type` and `export type` included, every `import('…')` type and dynamic import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const sharedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');

/** Every .ts file under `root`, as `path relative to root → text`. */
function readTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.set(path.relative(root, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return out;
}

/** The relative module specifiers of one file, whatever the kind of import. */
function specifiersOf(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      found.push(node.moduleSpecifier.text);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal))
      found.push(node.argument.literal.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0]))
      found.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith('.'));
}

/** Module → the modules of the tree it imports (`./x.js` resolved to `x.ts`; imports leaving the tree dropped). */
function importGraph(files: ReadonlyMap<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of files) {
    const targets = specifiersOf(file, text)
      .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s.replace(/\.js$/, '.ts'))))
      .filter((t) => files.has(t));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/**
 * The cycle each back edge of a depth-first search closes, once each, as the modules along it with the first
 * repeated at the end: at least one for every ring of modules importing each other, so none goes unseen.
 */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (m: string): void => {
    state.set(m, 'open');
    stack.push(m);
    for (const next of graph.get(m) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        // One key per cycle whatever module it was entered at.
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(rotated.join(' → '), [...rotated, rotated[0]!]);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(m, 'done');
  };
  for (const m of [...graph.keys()].sort()) if (!state.has(m)) visit(m);
  return [...cycles.values()];
}

describe('import cycles in shared/', () => {
  it('finds none, type-only imports included', () => {
    const files = readTree(sharedDir);
    expect(files.size).toBeGreaterThan(50);
    expect(cyclesOf(importGraph(files)).map((c) => c.join(' → '))).toEqual([]);
  });

  it('sees a cycle closed by `import type`, `export type … from` or an `import()` type', () => {
    const base = new Map([
      ['http/handler.ts', "import { wrap } from '../idempotency/wrap.js';\nexport interface Impl { run(): void }\n"],
      ['idempotency/wrap.ts', "import type { Impl } from '../http/handler.js';\nexport const wrap = (i: Impl) => i;\n"],
      ['catalog/types.ts', "export type Model = import('../store/users.js').UserModel;\n"],
      ['store/users.ts', "export type { Model } from '../catalog/types.js';\nexport type UserModel = 'KYC';\n"],
      ['log/logger.ts', "import { x } from 'node:fs';\nexport const logger = x;\n"],
    ]);
    expect(cyclesOf(importGraph(base)).map((c) => c.join(' → '))).toEqual([
      'catalog/types.ts → store/users.ts → catalog/types.ts',
      'http/handler.ts → idempotency/wrap.ts → http/handler.ts',
    ]);
    // Take the type import out and the cycle is gone: the check follows the edges, not the file names.
    base.set('idempotency/wrap.ts', 'export const wrap = <T>(i: T) => i;\n');
    expect(cyclesOf(importGraph(base))).toHaveLength(1);
  });

  it('sees a cycle through a barrel and a longer ring', () => {
    const ring = new Map([
      ['secrets/index.ts', "export { digest } from './data-key.js';\nexport { cache } from './cache.js';\n"],
      ['secrets/data-key.ts', "import { cache } from './index.js';\nexport const digest = () => cache;\n"],
      ['secrets/cache.ts', 'export const cache = 1;\n'],
      ['a.ts', "import './b.js';\n"],
      ['b.ts', "import('./c.js');\n"],
      ['c.ts', "export * from './a.js';\n"],
    ]);
    expect(cyclesOf(importGraph(ring)).map((c) => c.join(' → '))).toEqual([
      'a.ts → b.ts → c.ts → a.ts',
      'secrets/data-key.ts → secrets/index.ts → secrets/data-key.ts',
    ]);
  });
});
