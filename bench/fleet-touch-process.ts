/**
 * Runs the fleet benchmark's touch phase (bench/fleet-touch-main.ts) in a process of its own, on the
 * compiled build: the bench files are bundled with esbuild and every `src/` import is pointed at `dist/`
 * (built first when it is stale), so the host runs exactly the JavaScript `steward serve` runs, and the
 * process's RSS is the host's alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { stampMatches } from '../bin/source-stamp.js';
import type { StoreConfig } from '../src/store/index.js';
import type { TouchFigures, TouchSizes } from './fleet-touch.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = fileURLToPath(new URL('../src', import.meta.url));
// Under node_modules, so the bundle's package imports resolve to the project's packages.
const outDirectory = fileURLToPath(new URL('../node_modules/.cache/steward-bench/', import.meta.url));

export async function touchInOwnProcess(store: StoreConfig, sizes: TouchSizes): Promise<TouchFigures> {
  ensureBuild();
  const entry = `${outDirectory}fleet-touch.mjs`;
  mkdirSync(outDirectory, { recursive: true });
  await build({
    entryPoints: [fileURLToPath(new URL('./fleet-touch-main.ts', import.meta.url))],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    plugins: [
      {
        name: 'src-to-dist',
        setup(builder) {
          builder.onResolve({ filter: /\/src\// }, (resolved) => {
            const absolute = fileURLToPath(new URL(resolved.path, `file://${resolved.resolveDir}/`));
            return { path: absolute.replace(`${sources}`, `${root}dist`), external: true };
          });
        },
      },
    ],
  });
  // e.g. STEWARD_BENCH_TOUCH_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the touches.
  const flags = (process.env.STEWARD_BENCH_TOUCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  // e.g. STEWARD_BENCH_TOUCH_WRAPPER='heaptrack -o /tmp/touch' to see where native memory goes.
  const wrapper = (process.env.STEWARD_BENCH_TOUCH_WRAPPER ?? '').split(/\s+/).filter(Boolean);
  const command = [...wrapper, process.execPath, ...flags, entry, JSON.stringify({ store, sizes })];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  // The figures are the last JSON line (a wrapper such as heaptrack prints its own lines after them).
  const last = output
    .trim()
    .split('\n')
    .findLast((line) => line.startsWith('{'));
  if (code !== 0 || !last) throw new Error(`the touch process failed (exit ${code}): ${output.slice(-2000)}`);
  return JSON.parse(last) as TouchFigures;
}

/** `npm run build` when dist/ was not built from the sources in front of us (the stamp bin/steward.js checks). */
function ensureBuild(): void {
  const stampFile = fileURLToPath(new URL('../dist/.source-stamp', import.meta.url));
  if (existsSync(stampFile) && stampMatches(sources, JSON.parse(readFileSync(stampFile, 'utf8')))) return;
  console.error('[fleet] dist/ is stale: npm run build');
  const result = spawnSync(process.execPath, ['bin/build.js'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed: the touch phase runs the compiled build');
}
