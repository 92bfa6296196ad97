import {
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type EventSink,
  eventBridgeEndpoint,
  MAX_PUT_EVENTS_ENTRIES,
  MAX_PUT_EVENTS_SIZE,
  putEventsEntrySize,
} from '../../../../functions/adapters/local/eventBridgeEndpoint.ts';
import type { DeliveredEvent } from '../../../../functions/ports/bus.ts';

/**
 * The local stack's EventBridge-compatible endpoint (functions/adapters/local/eventBridgeEndpoint.ts),
 * in process: the unchanged @aws-sdk/client-eventbridge client sends through a request handler that
 * hands each request to the Hono app (no server), and accepted events land in a recording sink.
 */
const NOW = new Date('2030-03-04T05:06:07.890Z');
let accepted: DeliveredEvent[][] = [];
let sinkFailure: Error | undefined;
const sink: EventSink = {
  accept: async (events) => {
    if (sinkFailure) throw sinkFailure;
    accepted.push(events);
  },
};
const app = eventBridgeEndpoint(sink, () => NOW);

const client = new EventBridgeClient({
  region: 'eu-west-1',
  endpoint: 'http://127.0.0.1:8080',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  maxAttempts: 1,
  requestHandler: {
    handle: async (request: {
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: string | Uint8Array;
    }) => {
      const res = await app.request(request.path, {
        method: request.method,
        headers: request.headers,
        body: request.body as BodyInit | undefined,
      });
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return {
        response: {
          statusCode: res.status,
          headers,
          body: new Uint8Array(await res.arrayBuffer()),
        },
      };
    },
  } as never,
});
afterAll(() => client.destroy());
beforeEach(() => {
  accepted = [];
  sinkFailure = undefined;
});

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

/** A raw AWS JSON 1.1 request, as the SDK sends it. */
const raw = (target: string | undefined, body: string) =>
  app.request('/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(target === undefined ? {} : { 'x-amz-target': target }),
    },
    body,
  });

const entry = { Source: 'app', DetailType: 'n', Detail: '{}' };

describe('PutEvents', () => {
  it('accepts an entry, answers its EventId and hands the sink the event with its envelope', async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'shop.orders',
            DetailType: 'Order Placed',
            Detail: JSON.stringify({ orderId: 'o-1', total: 120 }),
            Resources: ['arn:aws:shop:::order/o-1'],
            Time: new Date('2030-05-06T07:08:09.500Z'),
            EventBusName: 'arn:aws:events:eu-west-1:123456789012:event-bus/anything',
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    const eventId = out.Entries?.[0]?.EventId;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(accepted).toEqual([
      [
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
      ],
    ]);
  });

  it("stamps an entry without Time with the endpoint's clock, to the second; ISO text and epoch seconds are read", async () => {
    const send = async (body: unknown) => {
      const res = await raw('AWSEvents.PutEvents', JSON.stringify({ Entries: [body] }));
      return (await res.json()) as { FailedEntryCount: number; Entries: Array<Record<string, string>> };
    };
    await send(entry);
    await send({ ...entry, Time: '2031-01-02T03:04:05.999Z' });
    await send({ ...entry, Time: 1_900_000_000 });
    await send({ ...entry, Time: '1900000000.5' });
    expect(accepted.map(([e]) => e!.time)).toEqual([
      '2030-03-04T05:06:07Z',
      '2031-01-02T03:04:05Z',
      '2030-03-17T17:46:40Z',
      '2030-03-17T17:46:40Z',
    ]);
    for (const Time of ['yesterday', 1e20, { at: 1 }]) {
      expect((await send({ ...entry, Time })).Entries[0]).toEqual({
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Time is not valid. Reason: Time is not a valid timestamp.',
      });
    }
  });

  it('answers each entry on its own: good ones get an EventId, bad ones an ErrorCode and message', async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          entry,
          { DetailType: 'no source', Detail: '{}' },
          { Source: 'app', Detail: '{}' },
          { Source: 'app', DetailType: 'no detail' },
          { Source: 'app', DetailType: 'broken', Detail: '{"a":' },
          { Source: 'app', DetailType: 'array', Detail: '[1,2]' },
          { Source: 'aws.ec2', DetailType: 'forged', Detail: '{}' },
          { Source: 'hookline', DetailType: 'Run Finished', Detail: '{"runId":"forged"}' },
          { Source: 'hookline.tools', DetailType: 'ok', Detail: '{}' },
        ] as PutEventsRequestEntry[],
      }),
    );
    expect(out.FailedEntryCount).toBe(7);
    expect(out.Entries?.slice(1, 8)).toEqual([
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
      {
        ErrorCode: 'NotAuthorizedForSourceException',
        ErrorMessage:
          'Not authorized for the source: the source "hookline" is reserved for Hookline\'s lifecycle events.',
      },
    ]);
    const ids = [out.Entries?.[0]?.EventId, out.Entries?.[8]?.EventId];
    expect(new Set(ids).size).toBe(2);
    // The good entries reach the sink, in one call, in order; nothing of the refused ones.
    expect(accepted.map((batch) => batch.map((e) => [e.id, e.source]))).toEqual([
      [
        [ids[0], 'app'],
        [ids[1], 'hookline.tools'],
      ],
    ]);
  });

  it('hands the sink nothing when every entry fails', async () => {
    const out = await client.send(
      new PutEventsCommand({ Entries: [{ Source: 'aws.s3', DetailType: 'x', Detail: '{}' }] }),
    );
    expect(out.FailedEntryCount).toBe(1);
    expect(accepted).toEqual([]);
  });

  it(`takes 1 to ${MAX_PUT_EVENTS_ENTRIES} entries; 0 or 11 is a ValidationException for the whole request`, async () => {
    const ten = await client.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => entry) }));
    expect([ten.FailedEntryCount, ten.Entries?.length]).toEqual([0, 10]);
    const eleven = await errorOf(
      client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) })),
    );
    expect([eleven.name, eleven.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
    expect(eleven.message).toContain('less than or equal to 10');
    const none = await errorOf(client.send(new PutEventsCommand({ Entries: [] })));
    expect(none.name).toBe('ValidationException');
    expect(none.message).toContain('greater than or equal to 1');
    const missing = await errorOf(client.send(new PutEventsCommand({} as never)));
    expect(missing.message).toContain("Value null at 'entries'");
    expect(accepted.flat()).toHaveLength(10);
  });

  it('enforces the 256 KB limit on the total entry size as EventBridge computes it', async () => {
    // Time counts 14 bytes; Source, DetailType, Detail and Resources count their UTF-8 bytes.
    const base = { Source: 'größe', DetailType: 'size', Resources: ['r-1', 'r-2'], Time: new Date() };
    const frame = putEventsEntrySize({ ...base, Detail: '{"p":""}' });
    expect(frame).toBe(14 + Buffer.byteLength('größe') + 4 + '{"p":""}'.length + 6);
    expect(putEventsEntrySize({ Source: 's', DetailType: 'd', Detail: '{}' })).toBe(4);
    const perEntry = Math.floor(MAX_PUT_EVENTS_SIZE / 4);
    const entries = (padBytes: number[]) =>
      padBytes.map((n) => ({
        ...base,
        Detail: JSON.stringify({ p: 'é'.repeat(n / 2) + 'x'.repeat(n % 2) }),
      }));
    const pads = [0, 1, 2, 3].map(
      (i) => perEntry - frame + (i === 3 ? MAX_PUT_EVENTS_SIZE - 4 * perEntry : 0),
    );
    const exact = entries(pads);
    expect(exact.reduce((sum, e) => sum + putEventsEntrySize(e), 0)).toBe(MAX_PUT_EVENTS_SIZE);
    expect((await client.send(new PutEventsCommand({ Entries: exact }))).FailedEntryCount).toBe(0);

    const over = entries(pads.map((n, i) => (i === 0 ? n + 1 : n)));
    const refused = await errorOf(client.send(new PutEventsCommand({ Entries: over })));
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toBe('Total size of the entries in the request is over the limit.');
    expect(accepted.flat()).toHaveLength(4);
  });

  it('checks field lengths like AWS request validation', async () => {
    const cases: Array<[PutEventsRequestEntry, string]> = [
      [{ ...entry, Source: 's'.repeat(257) }, 'entries.1.member.source'],
      [{ ...entry, DetailType: 'd'.repeat(129) }, 'entries.1.member.detailType'],
      [{ ...entry, Resources: Array.from({ length: 101 }, (_, i) => `r${i}`) }, 'entries.1.member.resources'],
      [{ ...entry, Resources: ['ok', 'r'.repeat(2049)] }, 'entries.1.member.resources.2.member'],
    ];
    for (const [bad, where] of cases) {
      const refused = await errorOf(client.send(new PutEventsCommand({ Entries: [bad] })));
      expect(refused.name, where).toBe('ValidationException');
      expect(refused.message).toContain(`'${where}'`);
    }
    const atTheLimits = {
      Source: 's'.repeat(256),
      DetailType: 'd'.repeat(128),
      Detail: '{}',
      Resources: ['r'.repeat(2048)],
    };
    expect((await client.send(new PutEventsCommand({ Entries: [atTheLimits] }))).FailedEntryCount).toBe(0);
  });

  it('answers an InternalFailure, acknowledging nothing, when the sink cannot keep the events', async () => {
    sinkFailure = new Error('disk full');
    const failed = await errorOf(client.send(new PutEventsCommand({ Entries: [entry] })));
    expect([failed.name, failed.$metadata.httpStatusCode]).toEqual(['InternalFailure', 500]);
    expect(failed.message).toBe('disk full');
  });
});

describe('TestEventPattern', () => {
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
  const test = (pattern: unknown, e: unknown = event) =>
    client.send(
      new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(e) }),
    );

  it('answers whether the event matches', async () => {
    const pattern = {
      source: ['hookline'],
      detail: { result: ['failed'], counts: { failed: [{ numeric: ['>', 0] }] } },
    };
    expect((await test(pattern)).Result).toBe(true);
    expect((await test({ ...pattern, detail: { result: ['succeeded'] } })).Result).toBe(false);
    expect((await test({ detail: { hookGroupId: [{ prefix: 'back' }] } })).Result).toBe(true);
    expect(accepted).toEqual([]);
  });

  it('refuses an invalid pattern with InvalidEventPatternException naming the problem', async () => {
    const bad = await errorOf(test({ detail: { state: 'running' } }));
    expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(['InvalidEventPatternException', 400]);
    expect(bad.message).toMatch(/^Event pattern is not valid\. Reason: .*detail\.state/);
    const notJson = await errorOf(
      client.send(
        new TestEventPatternCommand({ EventPattern: '{"source": [', Event: JSON.stringify(event) }),
      ),
    );
    expect(notJson.name).toBe('InvalidEventPatternException');
    expect(notJson.message).toMatch(/not valid JSON/);
  });

  it('refuses an event without the envelope fields, or one that is not an object', async () => {
    for (const field of ['id', 'account', 'source', 'time', 'region', 'detail-type']) {
      const { [field]: _dropped, ...without } = event as Record<string, unknown>;
      const bad = await errorOf(test({ source: ['hookline'] }, without));
      expect([bad.name, bad.message], field).toEqual([
        'ValidationException',
        'Parameter Event is not valid.',
      ]);
    }
    expect((await errorOf(test({ source: ['x'] }, [event]))).message).toBe('Parameter Event is not valid.');
    const { resources: _r, ...withoutResources } = event;
    expect((await test({ source: ['hookline'] }, withoutResources)).Result).toBe(true);
  });

  it('needs both the pattern and the event', async () => {
    const noEvent = await raw('AWSEvents.TestEventPattern', JSON.stringify({ EventPattern: '{}' }));
    expect(await noEvent.json()).toEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'event' failed to satisfy constraint: Member must not be null",
    });
    const noPattern = await raw('AWSEvents.TestEventPattern', JSON.stringify({ Event: '{}' }));
    expect(((await noPattern.json()) as { message: string }).message).toContain("'eventPattern'");
  });
});

describe('the AWS JSON protocol', () => {
  it('answers another operation with UnknownOperationException in the AWS error shape', async () => {
    expect((await errorOf(client.send(new ListRulesCommand({})))).name).toBe('UnknownOperationException');
    const res = await raw('AWSEvents.DeleteEventBus', '{"Name":"default"}');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await res.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Unknown operation AWSEvents.DeleteEventBus',
    });
    expect(await (await raw(undefined, '{}')).json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Missing X-Amz-Target header',
    });
    expect((await raw('Other.PutEvents', '{}')).status).toBe(400);
  });

  it('refuses a body that is not a JSON object with SerializationException', async () => {
    for (const body of ['{"Entries": [', '[1]', 'null', '"text"']) {
      const res = await raw('AWSEvents.PutEvents', body);
      expect([res.status, ((await res.json()) as { __type: string }).__type], body).toEqual([
        400,
        'SerializationException',
      ]);
    }
    const notAList = await raw('AWSEvents.PutEvents', '{"Entries": {"Source": "a"}}');
    expect(((await notAList.json()) as { message: string }).message).toBe('Entries must be a list');
  });

  it('refuses a body over 4 MiB with RequestEntityTooLargeException, before reading it whole', async () => {
    const res = await raw('AWSEvents.PutEvents', `{"Entries":[{"Detail":"${'x'.repeat(4 * 1024 * 1024)}"}]}`);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      __type: 'RequestEntityTooLargeException',
      message: 'Request is too large',
    });
    expect(accepted).toEqual([]);
  });
});
