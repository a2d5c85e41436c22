/**
 * The typed event bus the primitives talk through. Audit and analytics subscribe; primitives emit.
 * `emit` waits for every handler, so an interaction is acknowledged only after, e.g., its audit
 * events are durable; a handler that throws makes `emit` reject.
 */
import type { StewardEventMap } from './events.js';

export type StewardEventName = keyof StewardEventMap;
export type StewardEvent = {
  [Name in StewardEventName]: { name: Name; payload: StewardEventMap[Name] };
}[StewardEventName];

type Handler<Payload> = (payload: Payload) => void | Promise<void>;

/**
 * @example
 * const bus = new EventBus();
 * const stop = bus.on('tool-call-denied', (event) => console.log(event.toolName));
 * await bus.emit('tool-call-denied', {...});
 */
export class EventBus {
  private readonly handlers = new Map<StewardEventName, Set<Handler<never>>>();
  private readonly anyHandlers = new Set<Handler<StewardEvent>>();

  on<Name extends StewardEventName>(name: Name, handler: Handler<StewardEventMap[Name]>): () => void {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }

  /** Subscribes to every event (audit, analytics). */
  onAny(handler: Handler<StewardEvent>): () => void {
    this.anyHandlers.add(handler);
    return () => this.anyHandlers.delete(handler);
  }

  hasListeners(name: StewardEventName): boolean {
    return this.anyHandlers.size > 0 || (this.handlers.get(name)?.size ?? 0) > 0;
  }

  async emit<Name extends StewardEventName>(name: Name, payload: StewardEventMap[Name]): Promise<void> {
    const named = this.handlers.get(name);
    if (!named?.size && this.anyHandlers.size === 0) return;
    const pending: Array<void | Promise<void>> = [];
    if (named)
      for (const handler of named) pending.push((handler as Handler<StewardEventMap[Name]>)(payload));
    if (this.anyHandlers.size > 0) {
      const event = { name, payload } as StewardEvent;
      for (const handler of this.anyHandlers) pending.push(handler(event));
    }
    const results = await Promise.allSettled(pending);
    const failures = results.filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failures.length === 1) throw failures[0]!.reason;
    if (failures.length > 1) {
      throw new AggregateError(
        failures.map((failure) => failure.reason),
        `${failures.length} handlers of ${name} failed`,
      );
    }
  }
}
