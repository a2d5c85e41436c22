export { InvalidConfigError, type ConfigIssue } from './invalid-config-error.js';
export {
  StewardError,
  errorStatus,
  toStewardError,
  type StewardErrorCode,
  type StewardErrorOptions,
} from './steward-error.js';
