import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { type ApiClient, readJson } from '../apiClient.ts';
import { action } from '../context.ts';
import { LocalInputError } from '../errors.ts';
import { readJsonArgument } from '../input.ts';
import { paint, printJson } from '../output.ts';

/**
 * The EventBridge-compatible endpoint at the stack's base URL (functions/adapters/local/eventBridgeEndpoint.ts):
 * `events put` (PutEvents: fires the hooks bound to the event; needs `hooks:put-events`) and
 * `events test` (TestEventPattern: does a pattern match an event).
 */
async function awsCall(api: ApiClient, operation: string, input: unknown): Promise<Record<string, unknown>> {
  const res = await api.fetch('/', {
    method: 'POST',
    headers: {
      ...api.authHeaders(),
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSEvents.${operation}`,
    },
    body: JSON.stringify(input),
  });
  return (await readJson(res)) as Record<string, unknown>;
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new LocalInputError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

export function registerEventCommands(program: Command): void {
  const events = program.command('events').description('put events on the bus, test event patterns');

  events
    .command('put')
    .description('put an event on the bus (hooks bound to it fire)')
    .requiredOption('--source <source>', 'the event source (not "hookline", which is reserved; not aws.*)')
    .requiredOption('--detail-type <type>', 'the event detail-type')
    .option('--detail <json>', 'the detail object: inline JSON, @file, or - (default {})')
    .option('--resource <arn...>', 'resources the event is about')
    .action(
      action<{ source: string; detailType: string; detail?: string; resource?: string[] }>(
        async (_args, { api, output, options }) => {
          const detail =
            options.detail === undefined
              ? {}
              : objectOf(readJsonArgument(options.detail, '--detail'), '--detail');
          const answer = await awsCall(api(), 'PutEvents', {
            Entries: [
              {
                Source: options.source,
                DetailType: options.detailType,
                Detail: JSON.stringify(detail),
                ...(options.resource ? { Resources: options.resource } : {}),
              },
            ],
          });
          if (output.json) return printJson(output, answer);
          const entry = (answer.Entries as Array<Record<string, string>> | undefined)?.[0] ?? {};
          if (entry.EventId) return output.out(`${entry.EventId}\n`);
          output.err(`${paint(output, 'red', entry.ErrorCode ?? 'refused')}: ${entry.ErrorMessage ?? ''}\n`);
          return 1;
        },
      ),
    );

  events
    .command('test')
    .description('does an event pattern match an event? (exit 0 either way; --json for scripts)')
    .requiredOption('--pattern <json>', 'the event pattern: inline JSON, @file, or -')
    .requiredOption(
      '--event <json>',
      'the event (missing envelope fields — id, account, time, region — are filled in): inline JSON, @file, or -',
    )
    .action(
      action<{ pattern: string; event: string }>(async (_args, { api, output, options }) => {
        const pattern = objectOf(readJsonArgument(options.pattern, '--pattern'), '--pattern');
        const event = {
          version: '0',
          id: randomUUID(),
          account: '000000000000',
          time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: 'local',
          resources: [],
          ...objectOf(readJsonArgument(options.event, '--event'), '--event'),
        };
        const answer = await awsCall(api(), 'TestEventPattern', {
          EventPattern: JSON.stringify(pattern),
          Event: JSON.stringify(event),
        });
        if (output.json) return printJson(output, { matches: answer.Result === true });
        output.out(
          answer.Result === true
            ? `${paint(output, 'green', 'matches')}\n`
            : `${paint(output, 'yellow', 'does not match')}\n`,
        );
      }),
    );
}
