/** Config helpers every module uses: zod validation into InvalidConfigError, durations, instants. */
export { durationSchema, parseDuration } from './duration.js';
export { dayParameterSchema, instantParameterSchema, isCalendarDay, parseInstant } from './instant.js';
export { renderValue, validateConfig, valueAt } from './validate.js';
