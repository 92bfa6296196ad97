import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { DynamoConcurrencyStore } from '../../functions/adapters/aws/dynamoConcurrencyStore.ts';
import { DynamoHookTypeStore } from '../../functions/adapters/aws/dynamoHookTypeStore.ts';
import { DynamoStore } from '../../functions/adapters/aws/dynamoStore.ts';
import { jsonLogger } from '../../functions/adapters/jsonLogger.ts';
import {
  ensureTable,
  startDynalite,
  type DynaliteHandle,
} from '../../functions/adapters/local/dynaliteServer.ts';
import { LocalBus } from '../../functions/adapters/local/localBus.ts';
import { LocalExecutions } from '../../functions/adapters/local/localExecutions.ts';
import { type LocalFunction, LocalInvoker } from '../../functions/adapters/local/localInvoker.ts';
import { allowAll, createApiApp } from '../../functions/api/app.ts';
import type { Authorizer } from '../../functions/api/authorization.ts';
import { DEFAULT_SETTINGS, type ServiceSettings, type Services } from '../../functions/app/services.ts';
import { sweepQueues } from '../../functions/app/concurrency.ts';
import { failInterruptedStep } from '../../functions/app/runStep.ts';
import { createFinishHandler } from '../../functions/handlers/finish.ts';
import { createStepHandler } from '../../functions/handlers/step.ts';
import { type Clock, systemClock } from '../../functions/ports/clock.ts';
import type { Logger } from '../../functions/ports/logger.ts';
import { killAllCommands } from '../../functions/runners/command.ts';

/**
 * The local stack: the API (the same HTTP app the api Lambda serves), dynalite on disk, the same
 * job.asl.json run by aws-local-stepfunctions with the same handler modules, the local bus —
 * in one Node process.
 */
export const TABLE_NAME = 'hookline';

export interface LocalStackOptions {
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where dynalite keeps its data; `null` keeps everything in memory. Default `.hookline/`. */
  dataDir?: string | null;
  clock?: Clock;
  logger?: Logger;
  settings?: Partial<ServiceSettings>;
  /** How often queued runs of concurrency-limited hooks are re-dispatched (expired leases). Default 5000 ms. */
  queueSweepMs?: number;
  /** Who may do what; the default is set by the authorization feature. */
  authorizer?: Authorizer;
}

export interface LocalStack {
  url: string;
  port: number;
  dataDir: string | null;
  services: Services;
  executions: LocalExecutions;
  bus: LocalBus;
  app: Hono;
  registerFunction(name: string, fn: LocalFunction): void;
  /** Resolves when the run's execution has ended. */
  waitForRun(runId: string): Promise<void>;
  stop(): Promise<void>;
}

/** The service key trigger tokens are derived from: 32 random bytes in the data directory, mode 0600. */
function loadServiceKey(dataDir: string | null): Buffer {
  if (!dataDir) return randomBytes(32);
  const file = join(dataDir, 'service.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

export async function createLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = options.dataDir === null ? null : resolve(options.dataDir ?? '.hookline');
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logger = options.logger ?? jsonLogger({ component: 'hookline' });
  const settings: ServiceSettings = { ...DEFAULT_SETTINGS, stopPollMs: 200, ...options.settings };

  let dynamo: DynaliteHandle | undefined;
  let server: Server | undefined;
  let executions: LocalExecutions | undefined;
  try {
    dynamo = await startDynalite(dataDir ? join(dataDir, 'dynamodb') : undefined);
    await ensureTable(dynamo.client, TABLE_NAME);
    const bus = new LocalBus(logger);
    const invoker = new LocalInvoker();
    const lazy: { executions?: LocalExecutions } = {};
    const services: Services = {
      store: new DynamoStore({ tableName: TABLE_NAME, client: dynamo.client }),
      concurrency: new DynamoConcurrencyStore(TABLE_NAME, dynamo.client),
      hookTypes: new DynamoHookTypeStore(TABLE_NAME, dynamo.client),
      executions: { start: (runId) => lazy.executions!.start(runId) },
      bus,
      invoker,
      clock: options.clock ?? systemClock,
      logger,
      settings,
      secrets: { tokenKey: loadServiceKey(dataDir) },
    };
    executions = new LocalExecutions(
      { step: createStepHandler(services) as never, finish: createFinishHandler(services) as never },
      logger,
    );
    lazy.executions = executions;

    const app = createApiApp(services, { authorizer: options.authorizer ?? allowAll });
    server = createServer(getRequestListener(app.fetch));
    server.headersTimeout = 10_000;
    server.requestTimeout = 60_000;
    server.keepAliveTimeout = 5_000;
    const httpServer = server;
    await new Promise<void>((ok, fail) => {
      httpServer.once('error', fail);
      httpServer.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => ok());
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;

    await resumeUnfinishedRuns(services, executions);
    const queueSweep = setInterval(
      () => void sweepQueues(services).catch((error: Error) => logger.warn('queue sweep failed', { error: error.message })),
      options.queueSweepMs ?? 5000,
    );
    queueSweep.unref();

    const localExecutions = executions;
    const dynaliteHandle = dynamo;
    let stopped: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      dataDir,
      services,
      executions: localExecutions,
      bus,
      app: app as unknown as Hono,
      registerFunction: (name, fn) => invoker.register(name, fn),
      waitForRun: (runId) => localExecutions.settled(runId),
      stop: () => {
        stopped ??= (async () => {
          httpServer.closeIdleConnections();
          const closing = new Promise<void>((ok) => httpServer.close(() => ok()));
          setTimeout(() => httpServer.closeAllConnections(), 2000).unref();
          clearInterval(queueSweep);
          killAllCommands();
          await localExecutions.stop();
          await bus.drain();
          await closing;
          await dynaliteHandle.close();
        })();
        return stopped;
      },
    };
  } catch (error) {
    server?.close();
    await executions?.stop();
    await dynamo?.close();
    throw error;
  }
}

/**
 * Runs left unfinished by a previous stop go on: a step that was running when the stack stopped is
 * recorded as failed (it was killed), and the run's execution starts again from its durable state.
 */
async function resumeUnfinishedRuns(services: Services, executions: LocalExecutions): Promise<void> {
  const runIds = await services.store.listUnfinishedRunIds();
  for (const runId of runIds) {
    const run = await services.store.getRun(runId);
    if (!run || run.status === 'finished') continue;
    const steps = await services.store.getSteps(runId);
    for (const step of steps.filter((s) => s.status === 'running')) {
      await failInterruptedStep(
        services,
        run,
        step.index,
        'interrupted: the local stack stopped while this step ran',
      );
    }
    services.logger.info('resuming run', { runId, hookGroupId: run.hookGroupId, hookId: run.hookId });
    await executions.start(runId);
  }
}
