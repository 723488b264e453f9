import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Module → the modules it loads when it runs (relative imports only; `import type` is erased). */
export type ImportGraph = Map<string, string[]>;

/** The runtime imports of one module's text, resolved against its path. */
export function runtimeImports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  const targets: string[] = [];
  const add = (spec: ts.Expression | undefined) => {
    if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('.'))
      targets.push(path.posix.join(path.posix.dirname(file), spec.text));
  };
  const visit = (node: ts.Node) => {
    // Under verbatimModuleSyntax only `import type` / `export type` disappear: an import whose
    // names are all `type X` still loads the module.
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) add(node.moduleSpecifier);
    else if (ts.isExportDeclaration(node) && !node.isTypeOnly) add(node.moduleSpecifier);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0]
    )
      add(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return targets;
}

/** The import graph of every .ts file under `roots`, paths relative to `base`. */
export function readImportGraph(base: string, roots: string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  const walk = (dir: string) => {
    for (const e of readdirSync(path.join(base, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts'))
        graph.set(rel, runtimeImports(rel, readFileSync(path.join(base, rel), 'utf8')));
    }
  };
  for (const root of roots) walk(root);
  return graph;
}

/** The import cycles (strongly connected groups of two or more modules, or a self-import). */
export function findCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v)?.includes(v)) cycles.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return cycles;
}
