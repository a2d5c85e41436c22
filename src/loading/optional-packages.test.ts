/**
 * The library and the server load no channel vendor SDK and no PostgreSQL driver until a config uses
 * them: importing everything `src/index.ts` exports leaves those packages unloaded (in a child process,
 * so this test's own imports do not count).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const optional = ['twilio', 'pg', 'nodemailer', 'smtp-server', 'mailparser', 'planer', '@slack/web-api'];

const script = `
const { createRequire } = await import('node:module');
await import(${JSON.stringify(new URL('../index.ts', import.meta.url).href)});
const loaded = Object.keys(createRequire(import.meta.url).cache);
const names = ${JSON.stringify(optional)};
console.log(JSON.stringify(names.filter((name) => loaded.some((path) => path.includes('/node_modules/' + name + '/')))));
`;

describe('optional packages', () => {
  it('are not loaded by importing the library', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      timeout: 50_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual([]);
  });
});
