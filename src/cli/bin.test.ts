/** The `steward` executable itself: it answers --help from the build when current, else from the sources. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { contentStamp, quickStamp, stampMatches } from '../../bin/source-stamp.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/steward.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'steward-bin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('bin/steward.js', () => {
  it.each([
    ['as installed (dist/ when built from these sources)', {}],
    ['from the sources through tsx', { STEWARD_FROM_SOURCE: '1' }],
  ])('--help exits 0 with the usage, %s', async (_, env) => {
    const { stdout, stderr } = await run(process.execPath, [bin, '--help'], {
      cwd: scratch,
      env: { ...process.env, ...env },
    });
    expect(stdout).toMatch(/^Usage: steward <command> \[options\]/);
    expect(stdout).toContain('Who acts');
    expect(stderr).toBe('');
  });

  it('stamps the sources: any added or changed file changes them, a copy with new times still matches', () => {
    const sources = join(scratch, 'src');
    mkdirSync(join(sources, 'cli'), { recursive: true });
    writeFileSync(join(sources, 'cli', 'a.ts'), 'export const a = 1;\n');
    const recorded = { quick: quickStamp(sources) as string, content: contentStamp(sources) as string };
    expect(stampMatches(sources, recorded)).toBe(true);
    // Touched (as by a copy or a checkout): the quick stamp differs, the content still matches.
    utimesSync(join(sources, 'cli', 'a.ts'), new Date(0), new Date(1_000));
    expect(quickStamp(sources)).not.toBe(recorded.quick);
    expect(stampMatches(sources, recorded)).toBe(true);
    writeFileSync(join(sources, 'cli', 'a.ts'), 'export const a = 2;\n');
    expect(stampMatches(sources, recorded)).toBe(false);
    writeFileSync(join(sources, 'cli', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(sources, 'b.ts'), '');
    expect(stampMatches(sources, recorded)).toBe(false);
  });
});
