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

/** An EventBridge event as delivered to targets. */
export interface DeliveredEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  time?: string;
  account?: string;
  region?: string;
  resources?: string[];
  version?: string;
}
