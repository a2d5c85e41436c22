/** claude-steward/telemetry: optional OpenTelemetry spans of the pipeline (GenAI semantic conventions). */
export {
  genAiAttributes,
  operationNames,
  stewardAttributes,
  telemetryErrorTypes,
} from './attributes.js';
export { telemetryPrimitive } from './primitive.js';
export { attachTelemetry, type TelemetryOptions, telemetryOptionsSchema } from './telemetry.js';
