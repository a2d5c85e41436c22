/**
 * tree-sitter's Bash grammar: Bash commands are read by a maintained shell grammar, not by a tokenizer
 * of our own. The grammar and the parser runtime are WebAssembly files inside the `tree-sitter-bash` and
 * `web-tree-sitter` packages, read from node_modules (nothing is fetched).
 *
 * Loading is asynchronous (WebAssembly compiles asynchronously), so it happens once, before the first
 * decision that needs it: `loadShellParser()` starts it (a permission table with Bash rules starts it
 * when it is built) and `PermissionTable.ready()` awaits it. Parsing itself is synchronous. There is no
 * top-level await here, so CommonJS consumers (tsx compiling a config to CommonJS, `require(esm)`) can
 * still load claude-steward.
 */
import { createRequire } from 'node:module';
import type { Node, Parser } from 'web-tree-sitter';
import { StewardError } from '../errors/index.js';

export type { Node as ShellSyntaxNode } from 'web-tree-sitter';

let parser: Parser | undefined;
let loading: Promise<Parser> | undefined;

async function load(): Promise<Parser> {
  try {
    const { Language, Parser } = await import('web-tree-sitter');
    await Parser.init();
    const require = createRequire(import.meta.url);
    const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const loaded = new Parser();
    loaded.setLanguage(bash);
    parser = loaded;
    return loaded;
  } catch (error) {
    loading = undefined; // a later call may try again
    throw new StewardError(
      'internal',
      `Could not load the Bash grammar that Bash permission rules need (tree-sitter-bash and web-tree-sitter, from node_modules): ${(error as Error).message}. Reinstall the dependencies (npm ci).`,
      { cause: error },
    );
  }
}

/**
 * Loads the Bash parser once; later calls return the same promise (resolved at once when loaded).
 *
 * @example
 * await loadShellParser();
 * parseShellCommand('sudo rm -rf /').denyTexts; // [..., 'rm -rf /']
 */
export function loadShellParser(): Promise<void> {
  if (parser) return Promise.resolve();
  loading ??= load();
  return loading.then(() => undefined);
}

/** True once the Bash parser is loaded and `parseShellSyntax` can run. */
export function shellParserLoaded(): boolean {
  return parser !== undefined;
}

/**
 * Parses one command line and hands its syntax tree to `read`; the tree lives only during the call.
 * Throws StewardError `internal` when the parser is not loaded yet (await `loadShellParser()` first).
 *
 * @example
 * parseShellSyntax('npm test && rm -rf /', (root) => root.namedChildren.map((node) => node.type)); // ['list']
 */
export function parseShellSyntax<T>(source: string, read: (root: Node) => T): T {
  if (!parser) {
    throw new StewardError(
      'internal',
      'The Bash parser is not loaded yet: await loadShellParser() (or PermissionTable.ready()) before deciding Bash calls.',
    );
  }
  const tree = parser.parse(source);
  if (!tree) throw new StewardError('internal', 'The Bash parser returned no tree.');
  try {
    return read(tree.rootNode);
  } finally {
    tree.delete();
  }
}
