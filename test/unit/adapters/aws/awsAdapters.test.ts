import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { readServiceSecret } from '../../../../functions/adapters/aws/cloudServices.ts';
import { EventBridgeBus } from '../../../../functions/adapters/aws/eventBridgeBus.ts';
import { LambdaInvoker } from '../../../../functions/adapters/aws/lambdaInvoker.ts';
import { SfnExecutions } from '../../../../functions/adapters/aws/sfnExecutions.ts';

/** The cloud adapters' request shapes (AWS itself cannot run here: aws-sdk-client-mock stands in). */
const config = { region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };

describe('SfnExecutions', () => {
  it('starts an execution named after the run, with the run id as input', async () => {
    const client = new SFNClient(config);
    const mock = mockClient(client);
    mock.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
    await new SfnExecutions('arn:aws:states:eu-west-1:1:stateMachine:job', client).start('RUN123');
    expect(mock.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: 'arn:aws:states:eu-west-1:1:stateMachine:job',
      name: 'RUN123',
      input: JSON.stringify({ runId: 'RUN123' }),
    });
  });

  it('treats an execution that already exists as started (one run per name)', async () => {
    const client = new SFNClient(config);
    mockClient(client)
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(new SfnExecutions('arn', client).start('RUN')).resolves.toBeUndefined();
  });

  it('passes other errors on', async () => {
    const client = new SFNClient(config);
    mockClient(client).on(StartExecutionCommand).rejects(new Error('throttled'));
    await expect(new SfnExecutions('arn', client).start('RUN')).rejects.toThrow('throttled');
  });
});

describe('EventBridgeBus', () => {
  it('puts events on the bus in batches of 10 with JSON details', async () => {
    const client = new EventBridgeClient(config);
    const mock = mockClient(client);
    mock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const events = Array.from({ length: 23 }, (_, i) => ({
      source: 'hookline',
      detailType: 'Run Finished',
      detail: { n: i },
      time: '2026-11-22T00:00:00.000Z',
    }));
    await new EventBridgeBus('hookline-bus', client).put(events);
    const calls = mock.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries!.length)).toEqual([10, 10, 3]);
    expect(calls[0]!.args[0].input.Entries![0]).toEqual({
      EventBusName: 'hookline-bus',
      Source: 'hookline',
      DetailType: 'Run Finished',
      Detail: '{"n":0}',
      Time: new Date('2026-11-22T00:00:00.000Z'),
      Resources: undefined,
    });
  });

  it('fails when EventBridge refuses entries, saying why', async () => {
    const client = new EventBridgeClient(config);
    mockClient(client)
      .on(PutEventsCommand)
      .resolves({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
      });
    await expect(
      new EventBridgeBus('bus', client).put([{ source: 's', detailType: 'd', detail: {} }]),
    ).rejects.toThrow('PutEvents failed for 1 event(s): InternalFailure: try again');
  });
});

describe('LambdaInvoker', () => {
  it('invokes with the JSON payload and parses the answer', async () => {
    const client = new LambdaClient(config);
    const mock = mockClient(client);
    mock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: Buffer.from('{"doubled":42}') as never });
    const result = await new LambdaInvoker(client).invoke('hookline-double', { n: 21 }, 5000);
    expect(result).toEqual({ ok: true, payload: { doubled: 42 } });
    const input = mock.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input.FunctionName).toBe('hookline-double');
    expect(Buffer.from(input.Payload as Uint8Array).toString()).toBe('{"n":21}');
  });

  it('reports a function error with its type and message', async () => {
    const client = new LambdaClient(config);
    mockClient(client)
      .on(InvokeCommand)
      .resolves({
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: Buffer.from('{"errorType":"TypeError","errorMessage":"x is undefined"}') as never,
      });
    const result = await new LambdaInvoker(client).invoke('f', {}, 5000);
    expect(result).toMatchObject({ ok: false, error: { message: 'x is undefined', type: 'TypeError' } });
  });
});

describe('readServiceSecret', () => {
  it('reads the root credentials and derives the token key', async () => {
    const client = new SecretsManagerClient(config);
    mockClient(client)
      .on(GetSecretValueCommand)
      .resolves({ SecretString: '{"clientId":"root","accessToken":"abc"}' });
    const secret = await readServiceSecret('arn:secret', client);
    expect(secret.clientId).toBe('root');
    expect(secret.accessToken).toBe('abc');
    expect(secret.tokenKey).toHaveLength(32);
    const again = await readServiceSecret('arn:secret', client);
    expect(again.tokenKey.equals(secret.tokenKey)).toBe(true);
  });

  it('refuses a secret without an access token', async () => {
    const client = new SecretsManagerClient(config);
    mockClient(client).on(GetSecretValueCommand).resolves({ SecretString: '{}' });
    await expect(readServiceSecret('arn:secret', client)).rejects.toThrow(
      'the service secret has no accessToken',
    );
  });
});
