// `npm run build` (and `prepare`, so `npm install` / `npm ci` of a checkout builds): compiles src/ to
// dist/ and records the stamp of the sources it compiled, so bin/steward.js knows dist/ is current.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { contentStamp, quickStamp } from './source-stamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const stampFile = fileURLToPath(new URL('../dist/.source-stamp', import.meta.url));
// Taken before compiling: a source edited during the build leaves the stamp stale, never the other way.
const sources = fileURLToPath(new URL('../src', import.meta.url));
const stamp = JSON.stringify({ quick: quickStamp(sources), content: contentStamp(sources) });
rmSync(stampFile, { force: true });
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // `npm install --omit=dev` runs prepare without the compiler: no build, steward runs the sources.
  console.warn(
    'steward build skipped: typescript is not installed; bin/steward.js runs the sources through tsx',
  );
  process.exit(0);
}
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
mkdirSync(fileURLToPath(new URL('../dist', import.meta.url)), { recursive: true });
writeFileSync(stampFile, `${stamp}\n`);
