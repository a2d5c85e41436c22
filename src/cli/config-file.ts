/**
 * Which config file a command uses when `--config` is not given: one search order for every command, so
 * `steward trust show` finds the config and store `steward serve` (and `npm start`) uses. Light on
 * purpose: `steward --help` imports it.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliIo } from './cli-io.js';

/** Looked for in the working directory, in this order, after `--config` and `STEWARD_CONFIG`. */
export const configSearchOrder = [
  'steward.config.ts',
  'steward.config.mts',
  'steward.config.js',
  'steward.config.mjs',
] as const;

export const defaultConfigFile = configSearchOrder[0];

/**
 * `--config`, else `STEWARD_CONFIG`, else the first file of `configSearchOrder` found in the working
 * directory; undefined when there is none (commands that can run on the environment's store alone).
 *
 * @example
 * findConfigFile(undefined, io) // 'steward.config.ts' when ./steward.config.ts exists
 */
export function findConfigFile(flag: string | undefined, io: CliIo): string | undefined {
  const given = nonEmpty(flag) ?? nonEmpty(io.env.STEWARD_CONFIG);
  if (given !== undefined) return given;
  return configSearchOrder.find((name) => {
    const path = resolve(io.cwd, name);
    return existsSync(path) && statSync(path).isFile();
  });
}

/** Like `findConfigFile`, for commands that need a config: the default name when none is found (its error says how to make one). */
export function requireConfigFile(flag: string | undefined, io: CliIo): string {
  return findConfigFile(flag, io) ?? defaultConfigFile;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
