/**
 * A module resolve hook for loading a config file when `steward` runs from dist/: an import of the
 * checkout's own sources (`../src/index.js`, as examples/steward.config.ts does) gets the compiled
 * module in dist/ instead. The config then shares the one copy of the library the command runs, and
 * loading it takes milliseconds instead of compiling the whole source tree through tsx.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ResolveContext {
  parentURL?: string | undefined;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;

let sourcePrefix = '';
let builtPrefix = '';

/** Receives the file URLs of src/ and dist/ (with trailing slashes) from `module.register`. */
export function initialize(data: { source: string; built: string }): void {
  sourcePrefix = data.source;
  builtPrefix = data.built;
}

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (
    sourcePrefix !== '' &&
    context.parentURL &&
    (specifier.startsWith('.') || specifier.startsWith('file:'))
  ) {
    const target = new URL(specifier, context.parentURL).href;
    if (target.startsWith(sourcePrefix)) {
      const built = `${builtPrefix}${target.slice(sourcePrefix.length).replace(/\.(ts|js)$/, '')}.js`;
      if (existsSync(fileURLToPath(built))) return { url: built, shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}
