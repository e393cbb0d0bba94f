// The server entry must load on edge runtimes (no Node built-ins): every module it imports at run time,
// followed from src/server/index.ts, imports no Node module and uses no Node-only global.
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const NODE_GLOBALS = new Set(['Buffer', 'process', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate']);
const root = resolve(import.meta.dirname, '../..');

/** Runtime (not type-only) import and re-export specifiers of one file. */
function runtimeImports(source: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const typeOnly = clause?.isTypeOnly || (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      const named = statement.exportClause;
      if (named && ts.isNamedExports(named) && named.elements.every((e) => e.isTypeOnly)) continue;
      out.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

/** Identifiers used as free names (not `x.Buffer`, not `{Buffer: …}` keys). */
function nodeGlobalsUsed(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      const parent = node.parent;
      const isMember = ts.isPropertyAccessExpression(parent) && parent.name === node;
      const isKey = (ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent)) && parent.name === node;
      if (!isMember && !isKey) found.push(`${node.text} (line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('the server entries\' graph imports no Node module and uses no Node-only global', () => {
  const seen = new Set<string>();
  const problems: string[] = [];
  const queue = [resolve(root, 'src/server/index.ts'), resolve(root, 'src/server/redis.ts')];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const name = relative(root, file);
    for (const specifier of runtimeImports(source)) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (specifier.startsWith('node:') || builtinModules.includes(specifier)) problems.push(`${name} imports ${specifier}`);
      else problems.push(`${name} imports the package ${specifier} (the server entry has no dependencies)`);
    }
    for (const used of nodeGlobalsUsed(source)) problems.push(`${name} uses ${used}`);
  }
  assert.ok(seen.size > 10, `the walk followed the graph (${seen.size} files)`);
  assert.ok([...seen].some((file) => file.endsWith('src/server/node.ts')), 'the Node adapter is in the graph');
  assert.deepEqual(problems, []);
});
