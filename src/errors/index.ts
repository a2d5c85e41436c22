export { type ConfigIssue, InvalidConfigError } from './invalid-config-error.js';
export {
  errorStatus,
  StewardError,
  type StewardErrorCode,
  type StewardErrorOptions,
  toStewardError,
} from './steward-error.js';
