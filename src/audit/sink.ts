/** The seam audit writes through: every event, masked before it is stored. */
import type { StewardEvent } from '../events/index.js';

export interface AuditSink {
  /** Resolves once the events are durable; an interaction is acknowledged only after that. */
  append(events: StewardEvent[]): Promise<void>;
}
