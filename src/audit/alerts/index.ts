/** Alerts over the audit stream (unusual activity, permission escalation) and the sinks that deliver them. */
export { AlertEngine, type WarmUpOptions } from './alert-engine.js';
export { alertRecordInput } from './alert-record.js';
export { type AlertDelivery, type DeliverAlertOptions, deliverAlert } from './deliver.js';
export { raisesPermissions } from './detectors/permission-escalation.js';
export { agentActivityEvents, hourOfWeek } from './detectors/unusual-activity.js';
export {
  type AlertEngineOptions,
  alertEngineOptionsSchema,
  type ResolvedAlertEngineOptions,
} from './options.js';
export { type ChannelAlertSinkOptions, createChannelAlertSink } from './sinks/channel/channel-alert-sink.js';
export { createLogAlertSink, type LogAlertSinkOptions } from './sinks/log/log-alert-sink.js';
export {
  SIGNATURE_HEADER,
  signAlertPayload,
  TIMESTAMP_HEADER,
  type VerifyAlertSignatureOptions,
  verifyAlertSignature,
} from './sinks/webhook/signature.js';
export {
  createWebhookAlertSink,
  type WebhookAlertSinkOptions,
  WebhookDeliveryError,
} from './sinks/webhook/webhook-alert-sink.js';
export {
  type Alert,
  type AlertEvidence,
  type AlertReason,
  type AlertSeverity,
  type AlertSink,
  type AlertType,
  alertTypes,
} from './types.js';
