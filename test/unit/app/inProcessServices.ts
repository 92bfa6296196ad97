import { randomBytes } from 'node:crypto';
import { memoryLogger } from '../../../functions/adapters/jsonLogger.ts';
import { LocalCommandRunner } from '../../../functions/adapters/local/localCommandRunner.ts';
import { baseCommandEnvironment } from '../../../functions/app/commandEnvironment.ts';
import { stepRunners } from '../../../functions/runners/stepRunners.ts';
import { DEFAULT_SETTINGS, type Services } from '../../../functions/app/services.ts';
import type { BusEvent } from '../../../functions/ports/bus.ts';
import type { Clock } from '../../../functions/ports/clock.ts';
import { openStores } from '../../../infra/local/stores.ts';
import { testStore } from '../../support/testStore.ts';

/**
 * Services for unit tests of use cases, in this process and with no server: the store adapters as the
 * local stack opens them in memory (infra/local/stores.ts) — SQLite `:memory:` by default, the DynamoDB
 * adapters on in-memory dynalite with HOOKLINE_TEST_STORE=dynamodb (test/support/testStore.ts; the
 * contract suites of test/contracts/ prove the two behave alike) —, executions and bus that only record
 * what they are asked (the test plays the engine), the real step actions (functions/runners/stepRunners.ts)
 * with commands run as child processes of the test (functions/adapters/local/localCommandRunner.ts), and
 * a clock the test sets (the store adapters read it too).
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
  const clock = new SettableClock(new Date(start));
  const stores = await openStores({ store: testStore(), dataDir: null, clock });
  const logs = memoryLogger();
  const started: string[] = [];
  const events: BusEvent[] = [];
  const services: Services = {
    store: stores.store,
    concurrency: stores.concurrency,
    hookTypes: stores.hookTypes,
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
    commands: new LocalCommandRunner(),
    stepActions: stepRunners,
    commandEnvironment: baseCommandEnvironment(process.env, []),
    clock,
    logger: logs,
    settings: DEFAULT_SETTINGS,
    secrets: { tokenKey: randomBytes(32) },
  };
  return {
    services,
    started,
    events,
    clock,
    logs,
    close: () => stores.close(),
  };
}
