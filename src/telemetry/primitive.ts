/**
 * Telemetry as a pipeline primitive: OpenTelemetry spans of every turn from the agent's events, a no-op
 * until the application registers a tracer provider; closing the agent ends the spans still open.
 */
import { definePrimitive, type Primitive } from '../pipeline/index.js';
import { attachTelemetry } from './telemetry.js';

/** Always opens: without a registered tracer provider the OpenTelemetry API does nothing. */
export const telemetryPrimitive = definePrimitive({
  name: 'telemetry',
  open(context, config: { model?: string | undefined }): Primitive {
    const detach = attachTelemetry(context.events, {
      agentName: context.agentId,
      ...(config.model ? { model: config.model } : {}),
    });
    return {
      name: 'telemetry',
      async close() {
        detach();
      },
    };
  },
});
