import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compileEventPattern } from '../../core/eventPattern/match.ts';
import { validateEventPattern } from '../../core/eventPattern/parse.ts';
import type { DeliveredEvent } from '../../ports/bus.ts';
import { isReservedSource, RESERVED_SOURCE_MESSAGE } from '../../app/lifecycleEvents.ts';
import { toDeliveredEvent } from './localBus.ts';

/**
 * An EventBridge-compatible endpoint at the local stack's base URL, so an unchanged
 * `@aws-sdk/client-eventbridge` client (`endpoint` = the local URL, any region and credentials) can put
 * events on the local bus and test patterns. The SDK speaks the AWS JSON 1.1 protocol: `POST /` with
 * `X-Amz-Target: AWSEvents.<Operation>` and a JSON body; errors are HTTP 400 with
 * `{"__type": "<Code>", "message": "..."}`.
 *
 * Operations: `PutEvents` and `TestEventPattern`; any other answers `UnknownOperationException`.
 * The local stack has one bus: `EventBusName` (name or ARN) is accepted and every event goes on it.
 * Signatures are not checked (any credentials work); only loopback listens by default.
 *
 * PutEvents follows EventBridge:
 * - 1 to 10 entries, else `ValidationException` for the whole request;
 * - the request's total entry size, as EventBridge computes it (Time counts 14 bytes when given; Source,
 *   DetailType, Detail and each Resources entry count their UTF-8 bytes), at most 256 KB (262,144 bytes),
 *   else `ValidationException: Total size of the entries in the request is over the limit.`;
 * - field lengths (Source 1-256, DetailType 1-128, at most 100 Resources of at most 2048 characters)
 *   checked like AWS's request validation (`ValidationException`);
 * - each entry succeeds (`{EventId}`) or fails on its own (`{ErrorCode, ErrorMessage}`): a missing
 *   Source, DetailType or Detail is `InvalidArgument`, a Detail that is not a JSON object
 *   `MalformedDetail`, a source starting with `aws.` or the reserved source `hookline` (lifecycle
 *   events come only from Hookline: `functions/app/lifecycleEvents.ts`) `NotAuthorizedForSourceException`;
 *   `FailedEntryCount` counts the failures;
 * - accepted events get the envelope EventBridge adds (version, id, account, region, time — the entry's
 *   Time or now — resources), are stored (the outbox, functions/adapters/local/outboxDelivery.ts) before
 *   the answer, and are delivered asynchronously from there, at least once, as EventBridge delivers.
 */

export const MAX_PUT_EVENTS_ENTRIES = 10;
/** EventBridge's limit on the total entry size of one PutEvents request (256 KB). */
export const MAX_PUT_EVENTS_SIZE = 262_144;
/** The HTTP body the endpoint reads at most (a 256 KB Detail can take up to six times that as JSON text). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const JSON_11 = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AWSEvents.';

/** Where accepted events go: `accept` resolves once they are durable (the outbox), before the answer. */
export interface EventSink {
  accept(events: DeliveredEvent[]): Promise<void>;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const validation = (message: string) => new AwsError('ValidationException', message);

function awsJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_11 } });
}

function awsErrorResponse(error: AwsError): Response {
  return new Response(JSON.stringify({ __type: error.type, message: error.message }), {
    status: error.status,
    headers: { 'content-type': JSON_11, 'x-amzn-errortype': error.type },
  });
}

export function eventBridgeEndpoint(bus: EventSink, now: () => Date = () => new Date()): Hono {
  const app = new Hono();
  app.post(
    '/',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () =>
        awsErrorResponse(new AwsError('RequestEntityTooLargeException', 'Request is too large', 413)),
    }),
    async (c) => {
      try {
        const target = c.req.header('x-amz-target') ?? '';
        const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
        const handler =
          operation === 'PutEvents'
            ? putEvents
            : operation === 'TestEventPattern'
              ? testEventPattern
              : undefined;
        if (!handler) {
          throw new AwsError(
            'UnknownOperationException',
            target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header',
          );
        }
        const text = await c.req.text();
        let input: unknown;
        try {
          input = text.trim() === '' ? {} : JSON.parse(text);
        } catch {
          throw new AwsError('SerializationException', 'The request body is not valid JSON');
        }
        if (!input || typeof input !== 'object' || Array.isArray(input)) {
          throw new AwsError('SerializationException', 'The request body must be a JSON object');
        }
        return awsJson(await handler(input as Record<string, unknown>, bus, now));
      } catch (error) {
        if (error instanceof AwsError) return awsErrorResponse(error);
        return awsErrorResponse(new AwsError('InternalFailure', (error as Error).message, 500));
      }
    },
  );
  return app;
}

// ---------------------------------------------------------------------------------------------
// PutEvents

type ResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const utf8Bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);

/** An entry's size as EventBridge computes it (eb-putevent-size). */
export function putEventsEntrySize(entry: Record<string, unknown>): number {
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  size += utf8Bytes(entry.Source) + utf8Bytes(entry.DetailType) + utf8Bytes(entry.Detail);
  if (Array.isArray(entry.Resources)) for (const resource of entry.Resources) size += utf8Bytes(resource);
  return size;
}

function checkLength(value: unknown, where: string, max: number): void {
  if (typeof value === 'string' && value.length > max) {
    throw validation(
      `1 validation error detected: Value at '${where}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  }
}

async function putEvents(input: Record<string, unknown>, bus: EventSink, now: () => Date) {
  const entries = input.Entries;
  if (entries === undefined || entries === null) {
    throw validation(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!Array.isArray(entries)) throw new AwsError('SerializationException', 'Entries must be a list');
  if (entries.length < 1 || entries.length > MAX_PUT_EVENTS_ENTRIES) {
    const bound =
      entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_PUT_EVENTS_ENTRIES}`;
    throw validation(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  let total = 0;
  entries.forEach((raw: unknown, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new AwsError('SerializationException', `Entries[${i}] must be an object`);
    }
    const entry = raw as Record<string, unknown>;
    const where = `entries.${i + 1}.member`;
    checkLength(entry.Source, `${where}.source`, 256);
    checkLength(entry.DetailType, `${where}.detailType`, 128);
    if (entry.Resources !== undefined && entry.Resources !== null) {
      if (!Array.isArray(entry.Resources) || entry.Resources.some((r) => typeof r !== 'string')) {
        throw new AwsError('SerializationException', `${where}.resources must be a list of strings`);
      }
      if (entry.Resources.length > 100) {
        throw validation(
          `1 validation error detected: Value at '${where}.resources' failed to satisfy constraint: Member must have length less than or equal to 100`,
        );
      }
      entry.Resources.forEach((r: string, j: number) => {
        checkLength(r, `${where}.resources.${j + 1}.member`, 2048);
      });
    }
    total += putEventsEntrySize(entry);
  });
  if (total > MAX_PUT_EVENTS_SIZE)
    throw validation('Total size of the entries in the request is over the limit.');

  const results: ResultEntry[] = [];
  const accepted: DeliveredEvent[] = [];
  let failed = 0;
  for (const entry of entries as Record<string, unknown>[]) {
    const outcome = acceptEntry(entry, now);
    if ('ErrorCode' in outcome) {
      failed++;
      results.push(outcome);
      continue;
    }
    accepted.push(outcome.event);
    results.push({ EventId: outcome.event.id });
  }
  if (accepted.length > 0) await bus.accept(accepted);
  return { FailedEntryCount: failed, Entries: results };
}

const entryError = (code: string, message: string) => ({ ErrorCode: code, ErrorMessage: message });

function acceptEntry(
  entry: Record<string, unknown>,
  now: () => Date,
): { event: DeliveredEvent } | { ErrorCode: string; ErrorMessage: string } {
  const { Source: source, DetailType: detailType, Detail: detailText } = entry;
  if (typeof source !== 'string' || source === '') {
    return entryError(
      'InvalidArgument',
      'Parameter Source is not valid. Reason: Source is a required argument.',
    );
  }
  if (typeof detailType !== 'string' || detailType === '') {
    return entryError(
      'InvalidArgument',
      'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    );
  }
  if (typeof detailText !== 'string' || detailText === '') {
    return entryError(
      'InvalidArgument',
      'Parameter Detail is not valid. Reason: Detail is a required argument.',
    );
  }
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    detail = undefined;
  }
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
    return entryError('MalformedDetail', 'Detail is malformed.');
  }
  if (source.startsWith('aws.')) {
    return entryError('NotAuthorizedForSourceException', 'Not authorized for the source.');
  }
  if (isReservedSource(source)) {
    // What EventBridge answers when the producer's IAM policy denies the source (events:source).
    return entryError(
      'NotAuthorizedForSourceException',
      `Not authorized for the source: ${RESERVED_SOURCE_MESSAGE}.`,
    );
  }
  const time = entryTime(entry.Time, now);
  if (time === null) {
    return entryError(
      'InvalidArgument',
      'Parameter Time is not valid. Reason: Time is not a valid timestamp.',
    );
  }
  const event = toDeliveredEvent({
    source,
    detailType,
    detail: detail as Record<string, unknown>,
    time,
    resources: (entry.Resources as string[] | undefined) ?? [],
  });
  return { event };
}

/** The event's `time`: the entry's Time (epoch seconds, as the SDK sends it, or ISO text) or now, to the second. */
function entryTime(value: unknown, now: () => Date): string | null {
  let ms: number;
  if (value === undefined || value === null) ms = now().getTime();
  else if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string')
    ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  else return null;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------
// TestEventPattern

/** The envelope fields TestEventPattern requires of the event (`resources` is documented, not enforced). */
const MANDATORY_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

function testEventPattern(input: Record<string, unknown>) {
  const { EventPattern: patternText, Event: eventText } = input;
  if (typeof patternText !== 'string') {
    throw validation(
      "1 validation error detected: Value null at 'eventPattern' failed to satisfy constraint: Member must not be null",
    );
  }
  if (typeof eventText !== 'string') {
    throw validation(
      "1 validation error detected: Value null at 'event' failed to satisfy constraint: Member must not be null",
    );
  }
  let pattern: unknown;
  try {
    pattern = JSON.parse(patternText);
  } catch (error) {
    throw new AwsError(
      'InvalidEventPatternException',
      `Event pattern is not valid. Reason: the pattern is not valid JSON (${(error as Error).message})`,
    );
  }
  const valid = validateEventPattern(pattern);
  if (!valid.ok) {
    throw new AwsError(
      'InvalidEventPatternException',
      `Event pattern is not valid. Reason: ${valid.message}`,
    );
  }
  let event: unknown;
  try {
    event = JSON.parse(eventText);
  } catch {
    throw validation('Parameter Event is not valid.');
  }
  if (
    !event ||
    typeof event !== 'object' ||
    Array.isArray(event) ||
    !MANDATORY_EVENT_FIELDS.every((field) => Object.hasOwn(event, field))
  ) {
    throw validation('Parameter Event is not valid.');
  }
  return { Result: compileEventPattern(pattern)(event) };
}
