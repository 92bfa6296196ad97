import type { Logger } from '../ports/logger.ts';

/**
 * In-process callbacks for an embedded Hookline (INGInious-style hooks): `on(name, callback,
 * {priority})`, `off`, notify-style `emit` and call-style `call` that collects return values.
 * Callbacks run in priority order (higher first; equal priorities in the order they were added);
 * an exception in one is logged and isolated — the others still run.
 */
export type Callback = (payload: unknown, eventName: string) => unknown;

interface Registration {
  callback: Callback;
  priority: number;
  order: number;
}

export class CallbackRegistry {
  private readonly byName = new Map<string, Registration[]>();
  private added = 0;

  constructor(private readonly logger: Logger) {}

  /** Registers a callback; `'*'` receives every event. Returns a function that removes it. */
  on(eventName: string, callback: Callback, options: { priority?: number } = {}): () => void {
    const list = this.byName.get(eventName) ?? [];
    list.push({ callback, priority: options.priority ?? 0, order: this.added++ });
    list.sort((a, b) => b.priority - a.priority || a.order - b.order);
    this.byName.set(eventName, list);
    return () => this.off(eventName, callback);
  }

  /** Removes a callback; true if it was registered. */
  off(eventName: string, callback: Callback): boolean {
    const list = this.byName.get(eventName);
    if (!list) return false;
    const index = list.findIndex((r) => r.callback === callback);
    if (index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  private listeners(eventName: string): Registration[] {
    const named = this.byName.get(eventName) ?? [];
    const all = eventName === '*' ? [] : (this.byName.get('*') ?? []);
    return [...named, ...all].sort((a, b) => b.priority - a.priority || a.order - b.order);
  }

  /** Calls every callback for the event, in priority order; returns the values they returned (throwers left out). */
  async call(eventName: string, payload?: unknown): Promise<unknown[]> {
    const results: unknown[] = [];
    for (const { callback } of this.listeners(eventName)) {
      try {
        results.push(await callback(payload, eventName));
      } catch (error) {
        this.logger.error('callback failed', {
          event: eventName,
          error: (error as Error).stack ?? String(error),
        });
      }
    }
    return results;
  }

  /** Notify-style: like call, values ignored. */
  async emit(eventName: string, payload?: unknown): Promise<void> {
    await this.call(eventName, payload);
  }
}
