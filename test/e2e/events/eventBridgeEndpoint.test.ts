import {
  type EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveredEvent } from '../../../functions/app/fireFromSources.ts';
import {
  MAX_PUT_EVENTS_SIZE,
  putEventsEntrySize,
} from '../../../functions/adapters/local/eventBridgeEndpoint.ts';
import {
  awsSignedHeaders,
  eventBridgeClientFor,
  startTestStack,
  type TestStack,
} from '../../support/stack.ts';

/** The local EventBridge-compatible endpoint, driven by the unchanged @aws-sdk/client-eventbridge. */
describe('local EventBridge endpoint through @aws-sdk/client-eventbridge', () => {
  let stack: TestStack;
  let client: EventBridgeClient;
  let received: DeliveredEvent[];

  beforeAll(async () => {
    stack = await startTestStack({ dataDir: null });
    client = eventBridgeClientFor(stack);
    stack.bus.subscribe((event) => {
      received.push(event);
    });
  });
  afterAll(async () => {
    client.destroy();
    await stack.cleanup();
  });
  beforeEach(() => {
    received = [];
  });

  const errorOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      return error as Error & { $metadata: { httpStatusCode?: number } };
    }
    throw new Error('expected the call to fail');
  };

  it('PutEvents accepts an entry, answers its EventId and delivers the event with its envelope', async () => {
    const time = new Date('2030-05-06T07:08:09.500Z');
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'shop.orders',
            DetailType: 'Order Placed',
            Detail: JSON.stringify({ orderId: 'o-1', total: 120 }),
            Resources: ['arn:aws:shop:::order/o-1'],
            Time: time,
            EventBusName: 'hookline',
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries).toHaveLength(1);
    const eventId = out.Entries?.[0]?.EventId;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    await stack.bus.drain();
    expect(received).toEqual([
      {
        version: '0',
        id: eventId,
        'detail-type': 'Order Placed',
        source: 'shop.orders',
        account: expect.stringMatching(/^\d{12}$/),
        time: '2030-05-06T07:08:09Z',
        region: expect.any(String),
        resources: ['arn:aws:shop:::order/o-1'],
        detail: { orderId: 'o-1', total: 120 },
      },
    ]);
  });

  it('answers each entry on its own: good ones get an EventId, bad ones an ErrorCode and message', async () => {
    const good = { Source: 'app', DetailType: 'ok', Detail: '{}' };
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          good,
          { DetailType: 'no source', Detail: '{}' },
          { Source: 'app', Detail: '{}' },
          { Source: 'app', DetailType: 'no detail' },
          { Source: 'app', DetailType: 'broken', Detail: '{"a":' },
          { Source: 'app', DetailType: 'array', Detail: '[1,2]' },
          { Source: 'aws.ec2', DetailType: 'forged', Detail: '{}' },
          good,
        ] as PutEventsRequestEntry[],
      }),
    );
    expect(out.FailedEntryCount).toBe(6);
    const entries = out.Entries ?? [];
    expect(entries[0]?.EventId).toBeTruthy();
    expect(entries[1]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
    });
    expect(entries[2]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    });
    expect(entries[3]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
    });
    expect(entries[4]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(entries[5]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(entries[6]).toEqual({
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage: 'Not authorized for the source.',
    });
    expect(entries[7]?.EventId).toBeTruthy();
    expect(entries[7]?.EventId).not.toBe(entries[0]?.EventId);
    await stack.bus.drain();
    expect(received.map((e) => e.id)).toEqual([entries[0]?.EventId, entries[7]?.EventId]);
  });

  it('refuses the reserved source "hookline" per entry, so lifecycle events cannot be forged', async () => {
    const lifecycle: DeliveredEvent[] = [];
    const unsubscribe = stack.bus.subscribe((event) => {
      if (event.source === 'hookline') lifecycle.push(event);
    });
    try {
      const forged = {
        Source: 'hookline',
        DetailType: 'Run Finished',
        Detail: JSON.stringify({
          hookGroupId: 'backups',
          hookId: 'nightly',
          runId: 'forged',
          result: 'failed',
        }),
      };
      const out = await client.send(
        new PutEventsCommand({
          Entries: [forged, { Source: 'hookline.tools', DetailType: 'ok', Detail: '{}' }],
        }),
      );
      expect(out.FailedEntryCount).toBe(1);
      expect(out.Entries?.[0]).toEqual({
        ErrorCode: 'NotAuthorizedForSourceException',
        ErrorMessage:
          'Not authorized for the source: the source "hookline" is reserved for Hookline\'s lifecycle events.',
      });
      expect(out.Entries?.[1]?.EventId).toBeTruthy();
      await stack.bus.drain();
      expect(lifecycle).toEqual([]);
      expect(received.map((e) => e.source)).toEqual(['hookline.tools']);
    } finally {
      unsubscribe();
    }
  });

  it('takes 1 to 10 entries; 0 or 11 is a ValidationException for the whole request', async () => {
    const entry = { Source: 'app', DetailType: 'n', Detail: '{}' };
    const ten = await client.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => entry) }));
    expect(ten.FailedEntryCount).toBe(0);
    expect(ten.Entries).toHaveLength(10);

    const eleven = await errorOf(
      client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) })),
    );
    expect(eleven.name).toBe('ValidationException');
    expect(eleven.$metadata.httpStatusCode).toBe(400);
    expect(eleven.message).toContain('less than or equal to 10');

    const none = await errorOf(client.send(new PutEventsCommand({ Entries: [] })));
    expect(none.name).toBe('ValidationException');
    expect(none.message).toContain('greater than or equal to 1');
    await stack.bus.drain();
    expect(received).toHaveLength(10);
  });

  it('enforces the 256 KB limit on the total entry size as EventBridge computes it', async () => {
    // Time counts 14 bytes; Source, DetailType, Detail and Resources count their UTF-8 bytes.
    const base = { Source: 'größe', DetailType: 'size', Resources: ['r-1', 'r-2'], Time: new Date() };
    const frame = putEventsEntrySize({ ...base, Detail: '{"p":""}' });
    expect(frame).toBe(14 + 'größe'.length + 2 + 4 + '{"p":""}'.length + 6);
    const perEntry = Math.floor(MAX_PUT_EVENTS_SIZE / 4);
    const entries = (padBytes: number[]) =>
      padBytes.map((n) => ({
        ...base,
        Detail: JSON.stringify({ p: 'é'.repeat(n / 2) + 'x'.repeat(n % 2) }),
      }));
    // Four entries filling exactly 262,144 bytes (with two-byte characters in the detail).
    const pads = [0, 1, 2, 3].map(
      (i) => perEntry - frame + (i === 3 ? MAX_PUT_EVENTS_SIZE - 4 * perEntry : 0),
    );
    const exact = entries(pads);
    expect(exact.reduce((sum, e) => sum + putEventsEntrySize(e), 0)).toBe(MAX_PUT_EVENTS_SIZE);
    const accepted = await client.send(new PutEventsCommand({ Entries: exact }));
    expect(accepted.FailedEntryCount).toBe(0);

    const over = entries(pads.map((n, i) => (i === 0 ? n + 1 : n)));
    const refused = await errorOf(client.send(new PutEventsCommand({ Entries: over })));
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toBe('Total size of the entries in the request is over the limit.');

    const oneBig = await errorOf(
      client.send(
        new PutEventsCommand({
          Entries: [
            { Source: 'a', DetailType: 'b', Detail: JSON.stringify({ p: 'x'.repeat(MAX_PUT_EVENTS_SIZE) }) },
          ],
        }),
      ),
    );
    expect(oneBig.name).toBe('ValidationException');
    await stack.bus.drain();
    expect(received).toHaveLength(4);
  });

  it('checks field lengths like AWS request validation', async () => {
    const long = await errorOf(
      client.send(
        new PutEventsCommand({ Entries: [{ Source: 'app', DetailType: 'd'.repeat(129), Detail: '{}' }] }),
      ),
    );
    expect(long.name).toBe('ValidationException');
    expect(long.message).toContain('entries.1.member.detailType');
  });

  const event = {
    version: '0',
    id: 'e-1',
    'detail-type': 'Run Finished',
    source: 'hookline',
    account: '123456789012',
    time: '2030-01-01T00:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: { hookGroupId: 'backups', result: 'failed', counts: { failed: 2 } },
  };

  it('TestEventPattern answers whether the event matches', async () => {
    const pattern = {
      source: ['hookline'],
      'detail-type': ['Run Finished'],
      detail: { hookGroupId: ['backups'], result: ['failed'], counts: { failed: [{ numeric: ['>', 0] }] } },
    };
    const yes = await client.send(
      new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) }),
    );
    expect(yes.Result).toBe(true);
    const no = await client.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ ...pattern, detail: { result: ['succeeded'] } }),
        Event: JSON.stringify(event),
      }),
    );
    expect(no.Result).toBe(false);
    const prefix = await client.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ detail: { hookGroupId: [{ prefix: 'back' }] } }),
        Event: JSON.stringify(event),
      }),
    );
    expect(prefix.Result).toBe(true);
  });

  it('TestEventPattern refuses an invalid pattern with InvalidEventPatternException naming the problem', async () => {
    const bad = await errorOf(
      client.send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({ detail: { state: 'running' } }),
          Event: JSON.stringify(event),
        }),
      ),
    );
    expect(bad.name).toBe('InvalidEventPatternException');
    expect(bad.$metadata.httpStatusCode).toBe(400);
    expect(bad.message).toMatch(/^Event pattern is not valid\. Reason: .*detail\.state/);

    const notJson = await errorOf(
      client.send(
        new TestEventPatternCommand({ EventPattern: '{"source": [', Event: JSON.stringify(event) }),
      ),
    );
    expect(notJson.name).toBe('InvalidEventPatternException');
  });

  it('TestEventPattern refuses an event without the envelope fields', async () => {
    const { id: _id, ...withoutId } = event;
    const bad = await errorOf(
      client.send(
        new TestEventPatternCommand({
          EventPattern: '{"source":["hookline"]}',
          Event: JSON.stringify(withoutId),
        }),
      ),
    );
    expect(bad.name).toBe('ValidationException');
    expect(bad.message).toBe('Parameter Event is not valid.');
  });

  it('answers any other operation with UnknownOperationException in the AWS JSON error shape', async () => {
    const viaSdk = await errorOf(client.send(new ListRulesCommand({})));
    expect(viaSdk.name).toBe('UnknownOperationException');

    const raw = await fetch(`${stack.url}/`, {
      method: 'POST',
      headers: await awsSignedHeaders(
        `${stack.url}/`,
        stack.rootCredentials,
        { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.DeleteEventBus' },
        '{"Name":"default"}',
      ),
      body: '{"Name":"default"}',
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await raw.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Unknown operation AWSEvents.DeleteEventBus',
    });

    const malformed = await fetch(`${stack.url}/`, {
      method: 'POST',
      headers: await awsSignedHeaders(
        `${stack.url}/`,
        stack.rootCredentials,
        { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
        '{"Entries": [',
      ),
      body: '{"Entries": [',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { __type: string }).__type).toBe('SerializationException');
  });
});
