/**
 * Packages that only some configs use (a channel's vendor SDK, the PostgreSQL driver) are loaded on first
 * use, synchronously through `require`, so a server that never uses them never pays their memory (tens of
 * MB together) or their start-up time.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A function that loads `specifier` the first time it is called and returns the same module after.
 *
 * @example
 * import type Twilio from 'twilio';
 * const twilio = lazyRequire<typeof Twilio>('twilio');
 * twilio().validateRequest(token, signature, url, params);
 */
export function lazyRequire<Module>(specifier: string): () => Module {
  let loaded: Module | undefined;
  return () => {
    loaded ??= require(specifier) as Module;
    return loaded;
  };
}
