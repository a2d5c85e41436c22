/** Config helpers every module uses: zod validation into InvalidConfigError, durations, instants. */
export { durationSchema, parseDuration } from './duration.js';
export { parseInstant } from './instant.js';
export { renderValue, validateConfig, valueAt } from './validate.js';
