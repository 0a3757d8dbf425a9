import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One import of a source file: what it names and whether it is erased at compile time. */
export interface ImportEdge {
  /** The specifier as written (`'./x.js'`, `'@kdlab/core'`, `'node:fs'`). */
  readonly specifier: string;
  /** `import type`, `export type`, or an import whose every named binding is `type`: erased, loads nothing. */
  readonly typeOnly: boolean;
  /** `import('...')`: loaded only when the code that calls it runs (a static import loads with its file). */
  readonly dynamic: boolean;
  /** The repository-relative `.ts` file a relative specifier names; undefined for a bare one. */
  readonly file?: string;
}

/** The TypeScript files under `folder` (recursively), tests excluded, as repository-relative paths. */
export function sourceFiles(repoRoot: string, folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(relative(repoRoot, path));
    }
  };
  walk(join(repoRoot, folder));
  return out.sort();
}

function allBindingsTypeOnly(clause: ts.ImportClause | undefined): boolean {
  if (clause === undefined) return false; // a side-effect import loads the module
  if (clause.isTypeOnly) return true;
  if (clause.name !== undefined) return false;
  const bindings = clause.namedBindings;
  if (bindings === undefined || ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

/** The imports and re-exports of one file (static ones, and `import('...')` with a literal specifier). */
export function importsOf(repoRoot: string, file: string): ImportEdge[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean, dynamic = false): void => {
    const target = specifier.startsWith('.') ? resolveRelative(repoRoot, file, specifier) : undefined;
    edges.push(target === undefined ? { specifier, typeOnly, dynamic } : { specifier, typeOnly, dynamic, file: target });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) add(node.moduleSpecifier.text, allBindingsTypeOnly(node.importClause));
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const typeOnly = node.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isStringLiteralLike(argument)) add(argument.text, false, true);
    } else if (ts.isImportTypeNode(node)) return; // `import('x').T` in a type position loads nothing
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function resolveRelative(repoRoot: string, file: string, specifier: string): string | undefined {
  const base = resolve(repoRoot, dirname(file), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return relative(repoRoot, candidate);
  }
  return undefined;
}

/** The package a workspace specifier (`@kdlab/core`, `@kdlab/students/browser`) names, or undefined. */
export function workspacePackage(specifier: string): string | undefined {
  return /^@kdlab\/([a-z-]+)/.exec(specifier)?.[1];
}

/** The bare package name of a specifier (`vega-lite/build/x` -> `vega-lite`); undefined for relative and `node:` ones. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/**
 * The import circles among `files`: each strongly connected component of more than one file (or a
 * file importing itself), by Tarjan's algorithm, over the edges `follow` keeps.
 */
export function importCircles(repoRoot: string, files: readonly string[], follow: (edge: ImportEdge) => boolean): string[][] {
  const graph = new Map<string, string[]>();
  for (const file of files) graph.set(file, importsOf(repoRoot, file).filter((edge) => edge.file !== undefined && follow(edge)).map((edge) => edge.file as string));
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const connect = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, indices.get(next) as number));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) circles.push(component.sort());
    }
  };
  for (const file of files) if (!indices.has(file)) connect(file);
  return circles;
}
