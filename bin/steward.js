#!/usr/bin/env node
// The `steward` command. It runs compiled JavaScript (dist/), which starts in a fraction of a second.
// In a source checkout dist/ runs only while it was built from the sources in front of you (the stamp
// `npm run build` writes matches src/); otherwise the TypeScript sources run through tsx, so a stale
// build never runs. tsx is otherwise only used to load a TypeScript config file.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stampMatches } from './source-stamp.js';

const sourceDirectory = fileURLToPath(new URL('../src', import.meta.url));
const built = new URL('../dist/cli/main.js', import.meta.url);

if (!existsSync(sourceDirectory) || buildIsCurrent()) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}

function buildIsCurrent() {
  if (process.env.STEWARD_FROM_SOURCE === '1') return false;
  try {
    const recorded = JSON.parse(readFileSync(new URL('../dist/.source-stamp', import.meta.url), 'utf8'));
    return existsSync(fileURLToPath(built)) && stampMatches(sourceDirectory, recorded);
  } catch {
    return false;
  }
}
