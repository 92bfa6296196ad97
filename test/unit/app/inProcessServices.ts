import { randomBytes } from 'node:crypto';
import { DynamoConcurrencyStore } from '../../../functions/adapters/aws/dynamoConcurrencyStore.ts';
import { DynamoHookTypeStore } from '../../../functions/adapters/aws/dynamoHookTypeStore.ts';
import { DynamoStore } from '../../../functions/adapters/aws/dynamoStore.ts';
import { memoryLogger } from '../../../functions/adapters/jsonLogger.ts';
import {
  type DynaliteHandle,
  ensureTable,
  startDynalite,
} from '../../../functions/adapters/local/dynaliteServer.ts';
import { DEFAULT_SETTINGS, type Services } from '../../../functions/app/services.ts';
import type { BusEvent } from '../../../functions/ports/bus.ts';
import type { Clock } from '../../../functions/ports/clock.ts';

/**
 * Services for unit tests of use cases, in this process: the DynamoDB store adapter over an in-memory
 * dynalite, executions and bus that only record what they are asked, and a clock the test sets.
 */
export interface InProcessServices {
  services: Services;
  started: string[];
  events: BusEvent[];
  clock: SettableClock;
  logs: ReturnType<typeof memoryLogger>;
  close(): Promise<void>;
}

export class SettableClock implements Clock {
  constructor(private time: Date) {}
  now(): Date {
    return new Date(this.time);
  }
  set(time: Date | string): void {
    this.time = new Date(time);
  }
  advance(ms: number): void {
    this.time = new Date(this.time.getTime() + ms);
  }
}

export async function inProcessServices(start = '2030-01-01T00:00:00Z'): Promise<InProcessServices> {
  const dynamo: DynaliteHandle = await startDynalite(undefined);
  const table = `t${randomBytes(4).toString('hex')}`;
  await ensureTable(dynamo.client, table);
  const clock = new SettableClock(new Date(start));
  const logs = memoryLogger();
  const started: string[] = [];
  const events: BusEvent[] = [];
  const services: Services = {
    store: new DynamoStore({ tableName: table, client: dynamo.client }),
    concurrency: new DynamoConcurrencyStore(table, dynamo.client),
    hookTypes: new DynamoHookTypeStore(table, dynamo.client),
    executions: {
      start: async (runId) => {
        started.push(runId);
      },
      describe: async (runId) => ({ status: started.includes(runId) ? 'RUNNING' : 'NOT_FOUND' }),
    },
    bus: {
      put: async (put) => {
        events.push(...put);
      },
    },
    invoker: { invoke: async () => ({}) } as unknown as Services['invoker'],
    commands: {
      run: async () => {
        throw new Error('these unit tests run no commands');
      },
    } as unknown as Services['commands'],
    stepActions: {
      actionFor: () => async () => {
        throw new Error('these unit tests run no steps (give the services a stepActions of the test)');
      },
    },
    commandEnvironment: {},
    clock,
    logger: logs,
    settings: DEFAULT_SETTINGS,
    secrets: { tokenKey: randomBytes(32) },
  };
  return { services, started, events, clock, logs, close: () => dynamo.close() };
}
