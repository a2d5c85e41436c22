/**
 * The import graph of our own source, read with TypeScript's own pre-processor (so `import type`,
 * `export … from` and `import()` all count), and the checks the boundary test asks of it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Importing file, relative to the root, with `/` separators. */
  from: string;
  /** Imported file, the same way. */
  to: string;
}

export function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : typeScriptFiles(path);
    return /\.(c|m)?tsx?$/.test(name) ? [path] : [];
  });
}

const toPosix = (path: string) => path.split(sep).join('/');

/** Every relative import of `files`, resolved to the file it names (`./x.js` → `x.ts`, a folder → its index). */
export function importEdges(root: string, files: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue;
      edges.push({
        from: toPosix(relative(root, file)),
        to: toPosix(relative(root, resolveImport(file, specifier))),
      });
    }
  }
  return edges;
}

function resolveImport(file: string, specifier: string): string {
  const target = resolve(dirname(file), specifier);
  for (const candidate of [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return target;
}

/**
 * Imports that reach into a folder past its `index.ts`: a folder with an index is used from outside
 * only through it. `hasIndex(folder)` says whether a folder (relative, `/`-separated) has one.
 */
export function importsPastIndex(
  edges: readonly ImportEdge[],
  hasIndex: (folder: string) => boolean,
): ImportEdge[] {
  return edges.filter(({ from, to }) => {
    const fromParts = from.split('/').slice(0, -1);
    const toParts = to.split('/').slice(0, -1);
    let shared = 0;
    while (shared < fromParts.length && shared < toParts.length && fromParts[shared] === toParts[shared])
      shared++;
    // The outermost folder the import enters: if it has an index, the import must name that index.
    for (let depth = shared + 1; depth <= toParts.length; depth++) {
      const folder = toParts.slice(0, depth).join('/');
      if (hasIndex(folder)) return to !== `${folder}/index.ts`;
    }
    return false;
  });
}

/** The strongly connected components with more than one member (or a self-import): the cycles. */
export function cycles(edges: ReadonlyArray<{ from: string; to: string }>): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)!.add(to);
    if (!next.has(to)) next.set(to, new Set());
  }
  // Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let counter = 0;
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; children: Iterator<string> }> = [];
    const visit = (node: string) => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, children: next.get(node)!.values() });
    };
    visit(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const child = frame.children.next();
      if (!child.done) {
        if (!index.has(child.value)) visit(child.value);
        else if (onStack.has(child.value))
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child.value)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || next.get(frame.node)!.has(frame.node)) found.push(component.sort());
    }
  }
  return found;
}
