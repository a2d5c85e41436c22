/** The seam learning joins through: it watches completed interactions to find repeated requests. */
import type { InteractionRecord } from '../store/index.js';

export interface InteractionObserver {
  observe(interaction: InteractionRecord): Promise<void>;
}
