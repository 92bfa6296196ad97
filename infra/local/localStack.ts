import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { eventBridgeEndpoint } from '../../functions/adapters/local/eventBridgeEndpoint.ts';
import { LocalBus } from '../../functions/adapters/local/localBus.ts';
import { TtlSweeper } from '../../functions/adapters/local/ttlSweeper.ts';
import { LocalScheduler, type ScheduledFire } from '../../functions/adapters/local/localScheduler.ts';
import { LocalTriggerSync } from '../../functions/adapters/local/localTriggerSync.ts';
import { LocalExecutions } from '../../functions/adapters/local/localExecutions.ts';
import { type LocalFunction, LocalInvoker } from '../../functions/adapters/local/localInvoker.ts';
import { allowAll, createApiApp } from '../../functions/api/app.ts';
import type { RateLimit } from '../../functions/api/auth/rateLimiter.ts';
import type { Authorizer } from '../../functions/api/authorization.ts';
import { BindingRouter } from '../../functions/app/bindingRouter.ts';
import type { ClientContext, Credentials } from '../../functions/app/clients.ts';
import { DEFAULT_SETTINGS, type ServiceSettings, type Services } from '../../functions/app/services.ts';
import { type Callback, CallbackRegistry } from '../../functions/app/callbackRegistry.ts';
import { sweepQueues } from '../../functions/app/concurrency.ts';
import { type SweepOutcome, sweepRuns } from '../../functions/app/sweepRuns.ts';
import { loadHookTypeDirectory } from '../../functions/adapters/local/hookTypeDirectory.ts';
import { HandlerDirectory } from '../../functions/adapters/local/handlerDirectory.ts';
import { failInterruptedStep } from '../../functions/app/runStep.ts';
import { createFinishHandler } from '../../functions/handlers/finish.ts';
import { createStepHandler } from '../../functions/handlers/step.ts';
import { type Clock, systemClock } from '../../functions/ports/clock.ts';
import type { Logger } from '../../functions/ports/logger.ts';
import { INTERRUPTED_MESSAGE, killAllCommands } from '../../functions/runners/command.ts';
import { isLoopback, setUpLocalAuth } from './localAuth.ts';

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
  /** How often the run sweeper finishes runs whose execution ended without finishing them. Default 1 minute. */
  runSweepMs?: number;
  /** How often expired items (`expiresAt`, DynamoDB TTL in the cloud) are deleted. Default 10 minutes. */
  ttlSweepMs?: number;
  /**
   * Authentication and scopes (default on): the first start creates the root client (scope `*`)
   * and writes its credentials to `<dataDir>/credentials.json` (mode 0600); an in-memory stack
   * (dataDir null) puts them on `stack.rootCredentials`. `false` turns authentication off (for
   * embedding) and is refused unless the stack binds to a loopback address.
   */
  auth?: boolean;
  /** Per-client request limit (token bucket). Default 50 a second, bursts of 100; false: none. */
  rateLimit?: RateLimit | false;
  /** Replaces the authorizer entirely (embedding); one without `authenticate` counts as auth off. */
  authorizer?: Authorizer;
  /** Igor-style handler directory: every executable in it is called for each lifecycle event. */
  handlersDir?: string;
  /** Timeout of one handler call (ms). Default 30 s. */
  handlerTimeoutMs?: number;
  /** A directory of `<name>.hook/` folders loaded as hook types at start. */
  hookTypesDir?: string;
  /** The scheduler's longest sleep between two looks at the clock (ms). Default 500. */
  schedulerTickMs?: number;
  /** A schedule occurrence overdue by more than this is missed (catchUp policy). Default 60 s. */
  scheduleLateAfterMs?: number;
  /** Told about every scheduled fire (benchmarks, tests). */
  onScheduledFire?: (fire: ScheduledFire) => void;
}

export interface LocalStack {
  url: string;
  port: number;
  dataDir: string | null;
  services: Services;
  executions: LocalExecutions;
  bus: LocalBus;
  app: Hono;
  /** The root client's credentials when known (first start, credentials file, or in memory). */
  rootCredentials?: Credentials;
  /** `<dataDir>/credentials.json` when authentication is on and the stack keeps data on disk. */
  credentialsFile?: string;
  /** The clients (undefined when authentication is off). */
  clients?: ClientContext;
  registerFunction(name: string, fn: LocalFunction): void;
  /** In-process callbacks (embedding): lifecycle events by name (`Run Finished`, ...) or `*`. */
  on(eventName: string, callback: Callback, options?: { priority?: number }): () => void;
  off(eventName: string, callback: Callback): boolean;
  /** Call-style: runs the callbacks for `eventName` in priority order and collects what they return. */
  call(eventName: string, payload?: unknown): Promise<unknown[]>;
  /** Runs the run sweeper now (functions/app/sweepRuns.ts): finishes runs left without an execution. */
  sweepRuns(): Promise<SweepOutcome>;
  /** Deletes expired records now (what DynamoDB TTL does in the cloud); returns how many. */
  sweepExpired(): Promise<number>;
  /** The handler directory, when one was given. */
  handlers?: HandlerDirectory;
  /** Routes bus events to the hooks bound to them. */
  router: BindingRouter;
  /** Fires hooks on their schedules. */
  scheduler: LocalScheduler;
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
  const bindHost = options.host ?? '127.0.0.1';
  const authOff = options.authorizer ? !options.authorizer.authenticate : options.auth === false;
  if (authOff && !isLoopback(bindHost)) {
    throw new Error(
      `refusing to listen on ${bindHost} with authentication off: without it anyone who can reach the port can run commands; bind to 127.0.0.1 or turn authentication on`,
    );
  }

  let dynamo: DynaliteHandle | undefined;
  let server: Server | undefined;
  let executions: LocalExecutions | undefined;
  let stackFile: string | undefined;
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
      executions: {
        start: (runId) => lazy.executions!.start(runId),
        describe: (runId) => lazy.executions!.describe(runId),
      },
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
    // What fires hooks besides the API: bindings (the router, subscribed to the bus) and schedules.
    const router = new BindingRouter(services);
    await router.load();
    const scheduler = new LocalScheduler(services, {
      tickMs: options.schedulerTickMs,
      lateAfterMs: options.scheduleLateAfterMs,
      onFire: options.onScheduledFire,
    });
    services.triggers = new LocalTriggerSync(router, scheduler);
    const unsubscribeRouter = bus.subscribe(async (event) => {
      await router.route(event);
    });

    const auth =
      options.authorizer || options.auth === false
        ? undefined
        : await setUpLocalAuth({
            services,
            dynamoClient: dynamo.client,
            tableName: TABLE_NAME,
            dataDir,
            rateLimit: options.rateLimit,
          });
    const app = createApiApp(services, {
      authorizer: options.authorizer ?? auth?.authorizer ?? allowAll,
      clients: auth?.clients,
      // The EventBridge-compatible endpoint (PutEvents, TestEventPattern) at the base URL.
      rootRoutes: eventBridgeEndpoint(bus, () => services.clock.now()),
    });
    server = createServer(getRequestListener(app.fetch));
    server.headersTimeout = 10_000;
    server.requestTimeout = 60_000;
    server.keepAliveTimeout = 5_000;
    const httpServer = server;
    await new Promise<void>((ok, fail) => {
      httpServer.once('error', fail);
      httpServer.listen(options.port ?? 8080, bindHost, () => ok());
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    // Tells the `hookline` command where this stack listens (cli/config.ts); removed at stop.
    if (dataDir) {
      stackFile = join(dataDir, 'stack.json');
      writeFileSync(stackFile, `${JSON.stringify({ url, pid: process.pid })}\n`, { mode: 0o600 });
    }
    const writtenStackFile = stackFile;

    const callbacks = new CallbackRegistry(logger);
    const unsubscribeCallbacks = bus.subscribe((event) => callbacks.emit(event['detail-type'], event));
    const handlers = options.handlersDir
      ? new HandlerDirectory({ directory: options.handlersDir, logger, timeoutMs: options.handlerTimeoutMs })
      : undefined;
    const unsubscribeHandlers = handlers ? bus.subscribe(handlers.onEvent) : undefined;
    if (options.hookTypesDir) {
      const loaded = await loadHookTypeDirectory(services, options.hookTypesDir);
      logger.info('hook types loaded', { directory: options.hookTypesDir, hookTypes: loaded });
    }

    await resumeUnfinishedRuns(services, executions);
    await scheduler.start();
    const ttl = new TtlSweeper(dynamo.client, TABLE_NAME, () => services.clock.now());
    let ttlSweeping: Promise<unknown> | undefined;
    const sweepExpired = () => {
      ttlSweeping ??= ttl.sweep().finally(() => {
        ttlSweeping = undefined;
      });
      return ttlSweeping as Promise<number>;
    };
    const ttlSweep = setInterval(
      () =>
        void sweepExpired()
          .then((deleted) => deleted > 0 && logger.info('expired records deleted', { deleted }))
          .catch((error: Error) => logger.warn('expiry sweep failed', { error: error.message })),
      options.ttlSweepMs ?? 10 * 60_000,
    );
    ttlSweep.unref();
    let sweeping: Promise<void> | undefined;
    const queueSweep = setInterval(() => {
      if (sweeping) return;
      sweeping = sweepQueues(services)
        .catch((error: Error) => logger.warn('queue sweep failed', { error: error.message }))
        .finally(() => {
          sweeping = undefined;
        });
    }, options.queueSweepMs ?? 5000);
    queueSweep.unref();
    // The run sweeper (the cloud's scheduled one, here every minute); one pass at a time.
    let runSweeping: Promise<SweepOutcome> | undefined;
    const sweepUnfinishedRuns = () => {
      runSweeping ??= sweepRuns(services).finally(() => {
        runSweeping = undefined;
      });
      return runSweeping;
    };
    const runSweep = setInterval(
      () =>
        void sweepUnfinishedRuns().catch((error: Error) =>
          logger.warn('run sweep failed', { error: error.message }),
        ),
      options.runSweepMs ?? 60_000,
    );
    runSweep.unref();

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
      rootCredentials: auth?.rootCredentials,
      credentialsFile: auth?.credentialsFile,
      clients: auth?.clients,
      registerFunction: (name, fn) => invoker.register(name, fn),
      on: (eventName, callback, callbackOptions) => callbacks.on(eventName, callback, callbackOptions),
      off: (eventName, callback) => callbacks.off(eventName, callback),
      call: (eventName, payload) => callbacks.call(eventName, payload),
      sweepRuns: sweepUnfinishedRuns,
      sweepExpired,
      handlers,
      router,
      scheduler,
      waitForRun: (runId) => localExecutions.settled(runId),
      stop: () => {
        stopped ??= (async () => {
          // Nothing new fires once stopping: the scheduler first, then event deliveries stop retrying.
          await scheduler.stop();
          router.stop();
          httpServer.closeIdleConnections();
          const closing = new Promise<void>((ok) => httpServer.close(() => ok()));
          setTimeout(() => httpServer.closeAllConnections(), 2000).unref();
          clearInterval(queueSweep);
          clearInterval(ttlSweep);
          clearInterval(runSweep);
          await runSweeping?.catch(() => undefined);
          await sweeping;
          await ttlSweeping?.catch(() => undefined);
          killAllCommands();
          await localExecutions.stop();
          await bus.drain();
          await handlers?.drain();
          handlers?.stop();
          unsubscribeHandlers?.();
          unsubscribeCallbacks();
          unsubscribeRouter();
          await closing;
          if (writtenStackFile) rmSync(writtenStackFile, { force: true });
          await dynaliteHandle.close();
        })();
        return stopped;
      },
    };
  } catch (error) {
    if (stackFile) rmSync(stackFile, { force: true });
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
      await failInterruptedStep(services, run, step.index, INTERRUPTED_MESSAGE);
    }
    services.logger.info('resuming run', { runId, hookGroupId: run.hookGroupId, hookId: run.hookId });
    await executions.start(runId);
  }
}
