#!/usr/bin/env node
// The `steward` command. In a source checkout (src/ present) it runs the TypeScript sources through tsx,
// so a stale build can never run instead of the code in front of you; an installed package runs dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(fileURLToPath(source))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
