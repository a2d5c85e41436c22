export { EventBus, type StewardEvent, type StewardEventName } from './event-bus.js';
export type { EventScope, StewardEventMap } from './events.js';
