/**
 * Each package of shared/ says by name what leaves it (issue 14 item 2): no `export *` anywhere in shared/,
 * and the client layer (shared/index.ts) exports exactly what the entry files under functions/ import and
 * what the layer probe (test/infra/layer-runtime.test.ts) calls on the built layer, so its surface is the
 * functions' needs and not whatever the packages happen to hold (it exported 205 runtime names, of which
 * the entry files used 16).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

const parse = (file: string, text = readFileSync(file, 'utf8')): ts.SourceFile =>
  ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

/** `export * from` and `export * as x from` declarations of a file, as their text. */
function starExports(source: ts.SourceFile): string[] {
  return source.statements
    .filter((s): s is ts.ExportDeclaration => ts.isExportDeclaration(s) && (!s.exportClause || ts.isNamespaceExport(s.exportClause)))
    .map((s) => s.getText(source));
}

/** Names a module exports with `export { … } from` (the only kind of export the layer barrel holds). */
function reExportedNames(source: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const s of source.statements) {
    if (!ts.isExportDeclaration(s)) {
      // Anything else exported (a declaration, an `export =`) would widen the surface unseen here.
      if (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
        names.push(`<declaration at line ${source.getLineAndCharacterOfPosition(s.getStart()).line + 1}>`);
      if (ts.isExportAssignment(s)) names.push('<export assignment>');
      continue;
    }
    if (s.exportClause && ts.isNamedExports(s.exportClause)) for (const e of s.exportClause.elements) names.push(e.name.text);
  }
  return names.sort();
}

/** Names the given files import from the layer barrel (`…/shared/index.js`). */
function importedFromLayer(files: string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    const source = parse(file);
    for (const s of source.statements) {
      if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier) || !/(^|\/)shared\/index\.js$/.test(s.moduleSpecifier.text)) continue;
      const bindings = s.importClause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add('* (namespace import)');
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add((e.propertyName ?? e.name).text);
    }
  }
  return [...names].sort();
}

/** Names the layer probe calls on the built layer module (`layer.<name>(`), read from its source. */
function calledOnLayer(file: string): string[] {
  return [...new Set([...readFileSync(file, 'utf8').matchAll(/\blayer\.(\w+)\(/g)].map((m) => m[1]!))].sort();
}

describe('the public surface of shared/', () => {
  it('has no `export *` in any module: every package index lists its names', () => {
    const found = tsFiles(path.join(repoRoot, 'shared')).flatMap((f) => starExports(parse(f)).map((text) => `${path.relative(repoRoot, f)}: ${text}`));
    expect(found).toEqual([]);
  });

  it('imports no module of shared/ for its side effects alone (the build declares shared/ free of them, issue 15)', () => {
    const bare = tsFiles(path.join(repoRoot, 'shared')).flatMap((f) =>
      parse(f)
        .statements.filter((s) => ts.isImportDeclaration(s) && !s.importClause)
        .map((s) => `${path.relative(repoRoot, f)}: ${s.getText()}`),
    );
    expect(bare).toEqual([]);
  });

  it('exports from the layer (shared/index.ts) exactly the names the entry files under functions/ import, and the probe calls', () => {
    const layer = reExportedNames(parse(path.join(repoRoot, 'shared', 'index.ts')));
    const entries = importedFromLayer(tsFiles(path.join(repoRoot, 'functions')));
    const probe = calledOnLayer(path.join(repoRoot, 'test', 'infra', 'layer-runtime.test.ts'));
    expect(entries.length).toBeGreaterThan(10);
    expect(probe).toEqual(expect.arrayContaining(['documentClient']));
    expect(layer).toEqual([...new Set([...entries, ...probe])].sort());
  });

  it('sees a star export, a namespace export and a name the entry files do not need', () => {
    const barrel = parse('index.ts', "export * from './a.js';\nexport * as b from './b.js';\nexport { c, d as e } from './c.js';\nexport const f = 1;\n");
    expect(starExports(barrel)).toEqual(["export * from './a.js';", "export * as b from './b.js';"]);
    expect(reExportedNames(barrel)).toEqual(['<declaration at line 4>', 'c', 'e']);
  });
});
