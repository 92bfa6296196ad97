/** An event as put on the bus (EventBridge's PutEvents entry, in our words). */
export interface BusEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  time?: string;
  resources?: string[];
}

/** The event bus: lifecycle events go out here; bound hooks listen (EventBridge in the cloud, in-process locally). */
export interface Bus {
  put(events: BusEvent[]): Promise<void>;
}
