import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ArtifactDirectory } from '../../functions/adapters/local/artifactDirectory.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { jsonLogger } from '../../functions/adapters/jsonLogger.ts';
import { eventBridgeEndpoint } from '../../functions/adapters/local/eventBridgeEndpoint.ts';
import { LocalBus } from '../../functions/adapters/local/localBus.ts';
import { OutboxDelivery } from '../../functions/adapters/local/outboxDelivery.ts';
import { notifyingStore, RunChangeNotifier } from '../../functions/adapters/local/runChangeNotifier.ts';
import { LocalScheduler, type ScheduledFire } from '../../functions/adapters/local/localScheduler.ts';
import { LocalTriggerSync } from '../../functions/adapters/local/localTriggerSync.ts';
import { LocalExecutions } from '../../functions/adapters/local/localExecutions.ts';
import { type LocalFunction, LocalInvoker } from '../../functions/adapters/local/localInvoker.ts';
import { LocalCommandRunner } from '../../functions/adapters/local/localCommandRunner.ts';
import { resolveRunAsUser } from '../../functions/adapters/local/runAsUser.ts';
import { SpawnPool } from '../../functions/adapters/local/spawnPool.ts';
import { baseCommandEnvironment, passEnvRefusal } from '../../functions/app/commandEnvironment.ts';
import { allowAll, createApiApp } from '../../functions/api/app.ts';
import type { RateLimit } from '../../functions/api/auth/rateLimiter.ts';
import type { Authorizer } from '../../functions/api/authorization.ts';
import { BindingRouter } from '../../functions/app/bindingRouter.ts';
import type { ClientContext, Credentials } from '../../functions/app/clients.ts';
import { DEFAULT_SETTINGS, type ServiceSettings, type Services } from '../../functions/app/services.ts';
import { type Callback, CallbackRegistry } from '../../functions/app/callbackRegistry.ts';
import { sweepQueues } from '../../functions/app/concurrency.ts';
import { type SweepOutcome, sweepRuns } from '../../functions/app/sweepRuns.ts';
import { repairOutOfSyncHooks } from '../../functions/app/syncTriggers.ts';
import { loadHookTypeDirectory } from '../../functions/adapters/local/hookTypeDirectory.ts';
import { HandlerDirectory } from '../../functions/adapters/local/handlerDirectory.ts';
import { type RecoveryEngine, recoverRuns } from '../../functions/app/recoverRuns.ts';
import { createFinishHandler } from '../../functions/handlers/finish.ts';
import { createStepHandler } from '../../functions/handlers/step.ts';
import { type Clock, systemClock } from '../../functions/ports/clock.ts';
import type { Logger } from '../../functions/ports/logger.ts';
import { INTERRUPTED_MESSAGE, killAllCommands } from '../../functions/runners/command.ts';
import { killRecordedGroup } from '../../functions/runners/processGroup.ts';
import { stepRunners } from '../../functions/runners/stepRunners.ts';
import { lockDataDir } from './dataDirLock.ts';
import { removeLeftoverScratch, scratchPrefixFor } from './scratchDirectories.ts';
import { HttpDrain } from './httpDrain.ts';
import { isLoopback, setUpLocalAuth } from './localAuth.ts';
import { openStores, type StoreKind, type Stores } from './stores.ts';
import { localDashboard } from './localDashboard.ts';

/**
 * The local stack: the API (the same HTTP app the api Lambda serves), the store (embedded SQLite by
 * default, or the DynamoDB adapters: infra/local/stores.ts), the same job.asl.json run by
 * aws-local-stepfunctions with the same handler modules, the local bus — in one Node process.
 */

export interface LocalStackOptions {
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the data is kept; `null` keeps everything in memory. Default `.hookline/`. */
  dataDir?: string | null;
  /** `sqlite` (default: `<dataDir>/hookline.db`) or `dynamodb` (the cloud's adapters, on dynalite or an endpoint). */
  store?: StoreKind;
  /** With `store: 'dynamodb'`: a DynamoDB-compatible endpoint (DynamoDB Local, DynamoDB) instead of dynalite. */
  dynamodbEndpoint?: string;
  /** With `store: 'dynamodb'`: the table name. Default `hookline`. */
  tableName?: string;
  clock?: Clock;
  logger?: Logger;
  settings?: Partial<ServiceSettings>;
  /** How often queued runs of concurrency-limited hooks are re-dispatched (expired leases). Default 5000 ms. */
  queueSweepMs?: number;
  /** How often the run sweeper finishes runs whose execution ended without finishing them. Default 1 minute. */
  runSweepMs?: number;
  /** How often the recovery pass runs (unfinished runs without an execution, stored events). Default 30 s. */
  recoveryMs?: number;
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
  /** The scheduler's longest sleep (ms): it sleeps until the next due time, at most this. Default 30 s. */
  schedulerTickMs?: number;
  /** A schedule occurrence overdue by more than this is missed (catchUp policy). Default 60 s. */
  scheduleLateAfterMs?: number;
  /** Told about every scheduled fire (benchmarks, tests). */
  onScheduledFire?: (fire: ScheduledFire) => void;
  /**
   * The environment commands take PATH, HOME, LANG, TZ, USER, SHELL and the `passEnv` names from
   * (nothing else of it reaches them). Default: this process's environment.
   */
  environment?: Readonly<Record<string, string | undefined>>;
  /** More names of `environment` given to commands (`--pass-env`); `AWS_*` and `HOOKLINE_*` are refused. */
  passEnv?: string[];
  /** Run commands as this user (`--run-as`); only when the stack runs as root. */
  runAs?: string;
  /** Helper processes that spawn commands (functions/adapters/local/spawnPool.ts). Default: one a core, 2 to 4. */
  spawnHelpers?: number;
}

export interface LocalStack {
  url: string;
  port: number;
  dataDir: string | null;
  /** Which store the stack runs on, where its data is, and every record of it (export). */
  storage: Pick<Stores, 'kind' | 'location' | 'archive'>;
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
  const commandIdentity = options.runAs ? resolveRunAsUser(options.runAs, process.getuid?.()) : undefined;
  for (const name of options.passEnv ?? []) {
    const refusal = passEnvRefusal(name);
    if (refusal) throw new Error(`--pass-env: ${refusal}`);
  }
  const logger = options.logger ?? jsonLogger({ component: 'hookline' });
  const settings: ServiceSettings = { ...DEFAULT_SETTINGS, stopPollMs: 200, ...options.settings };
  const bindHost = options.host ?? '127.0.0.1';
  const authOff = options.authorizer ? !options.authorizer.authenticate : options.auth === false;
  if (authOff && !isLoopback(bindHost)) {
    throw new Error(
      `refusing to listen on ${bindHost} with authentication off: without it anyone who can reach the port can run commands; bind to 127.0.0.1 or turn authentication on`,
    );
  }

  // Validated before anything starts; its helpers start with the first command.
  const spawnPool = new SpawnPool({ helpers: options.spawnHelpers });
  let stores: Stores | undefined;
  let server: Server | undefined;
  let executions: LocalExecutions | undefined;
  let unlock: (() => void) | undefined;
  let artifactRoot = '';
  let stackFile: string | undefined;
  // The port first: a busy port fails the start before anything is written (requests wait with a 503).
  const drain = new HttpDrain();
  server = createServer(drain.listener);
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  const httpServer = server;
  await new Promise<void>((ok, fail) => {
    httpServer.once('error', fail);
    httpServer.listen(options.port ?? 8080, bindHost, () => ok());
  });
  try {
    if (dataDir) {
      // Only the server's user may read the data (the service key, the store, the root credentials).
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      chmodSync(dataDir, 0o700);
      unlock = lockDataDir(dataDir);
    }
    // What commands of an earlier run of this stack left behind when it was killed (infra/local/scratchDirectories.ts).
    const scratchPrefix = scratchPrefixFor(dataDir);
    const leftovers = removeLeftoverScratch(scratchPrefix);
    if (leftovers.length > 0)
      logger.info('removed command directories left by an earlier stop', { count: leftovers.length });
    const clock = options.clock ?? systemClock;
    // Artifacts under the data directory; an in-memory stack keeps them in a temporary directory until it stops.
    artifactRoot = dataDir ? join(dataDir, 'artifacts') : mkdtempSync(join(tmpdir(), 'hookline-artifacts-'));
    mkdirSync(artifactRoot, { recursive: true, mode: 0o700 });
    stores = await openStores({
      store: options.store,
      dataDir,
      dynamodbEndpoint: options.dynamodbEndpoint,
      tableName: options.tableName,
      clock,
    });
    logger.info('store opened', { store: stores.kind, location: stores.location });
    const bus = new LocalBus(logger);
    const invoker = new LocalInvoker();
    const lazy: { executions?: LocalExecutions } = {};
    // Open event streams hear of every run write at once (functions/ports/runChanges.ts).
    const runChanges = new RunChangeNotifier();
    const services: Services = {
      store: notifyingStore(stores.store, runChanges),
      runChanges,
      concurrency: stores.concurrency,
      hookTypes: stores.hookTypes,
      executions: {
        start: (runId) => lazy.executions!.start(runId),
        describe: (runId) => lazy.executions!.describe(runId),
      },
      bus,
      invoker,
      commands: new LocalCommandRunner(commandIdentity, spawnPool, scratchPrefix),
      stepActions: stepRunners,
      commandEnvironment: baseCommandEnvironment(
        options.environment ?? process.env,
        options.passEnv ?? [],
        commandIdentity ? { HOME: commandIdentity.home, USER: commandIdentity.user } : {},
      ),
      clock,
      logger,
      settings,
      secrets: { tokenKey: loadServiceKey(dataDir) },
      artifacts: new ArtifactDirectory(artifactRoot),
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
    // A stack stopped while a hook change was being applied left that hook marked out of sync: repair it.
    await repairOutOfSyncHooks(services, { graceMs: 0, limit: Number.POSITIVE_INFINITY });
    const unsubscribeRouter = bus.subscribe(async (event) => {
      const fires = await router.route(event);
      const failed = fires.find((fire) => fire.outcome.kind === 'failed');
      // Thrown, the delivery fails and the outbox keeps the event for the next recovery pass.
      if (failed?.outcome.kind === 'failed') throw new Error(failed.outcome.message);
    });
    const outboxDelivery = new OutboxDelivery(stores.outbox, bus, logger);

    const auth =
      options.authorizer || options.auth === false
        ? undefined
        : await setUpLocalAuth({
            services,
            clientStore: stores.clients,
            dataDir,
            rateLimit: options.rateLimit,
          });
    const app = createApiApp(services, {
      authorizer: options.authorizer ?? auth?.authorizer ?? allowAll,
      clients: auth?.clients,
      dashboard: localDashboard(auth?.credentialsFile),
      // The EventBridge-compatible endpoint (PutEvents, TestEventPattern) at the base URL.
      rootRoutes: eventBridgeEndpoint(outboxDelivery, () => services.clock.now()),
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

    const recoveryEngine: RecoveryEngine = {
      isLive: (runId) => lazy.executions!.isLive(runId),
      killStepProcess: async (process) => {
        if (!(await killRecordedGroup(process)))
          logger.warn('a command of an interrupted step would not die', { pgid: process.pgid });
      },
      interruptedMessage: INTERRUPTED_MESSAGE,
    };
    // Recovery before anything new fires: interrupted commands killed, cut creations completed or
    // discarded, unfinished runs started under their concurrency limits, stored events delivered.
    const recovered = await recoverRuns(services, recoveryEngine, { atStart: true });
    if (recovered.resumed.length + recovered.discarded.length > 0)
      logger.info('recovery at start', {
        resumed: recovered.resumed.length,
        discarded: recovered.discarded.length,
      });
    await sweepQueues(services, { everyHook: true, atStart: true });
    let redelivering: Promise<unknown> | undefined = outboxDelivery
      .redeliver()
      .catch((error: Error) => logger.warn('stored events not delivered', { error: error.message }));
    await scheduler.start();
    const ttl = stores.sweeper;
    let ttlSweeping: Promise<unknown> | undefined;
    const sweepExpired = () => {
      // Artifacts go with their run's records, or sooner when they expire first.
      const sweepArtifacts = () =>
        services.artifacts!.sweep(
          Math.floor(services.clock.now().getTime() / 1000),
          async (runId) => (await services.store.getRun(runId)) !== undefined,
        );
      ttlSweeping ??= ttl
        .sweep()
        .then(async (deleted) => deleted + (await sweepArtifacts()))
        .finally(() => {
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

    let recovering: Promise<unknown> | undefined;
    const recovery = setInterval(() => {
      if (recovering) return;
      recovering = Promise.all([recoverRuns(services, recoveryEngine, { atStart: false }), redelivering])
        .then(() => outboxDelivery.redeliver())
        .catch((error: Error) => logger.warn('recovery pass failed', { error: error.message }))
        .finally(() => {
          recovering = undefined;
          redelivering = undefined;
        });
    }, options.recoveryMs ?? 30_000);
    recovery.unref();

    const localExecutions = executions;
    const openedStores = stores;
    drain.ready(getRequestListener(app.fetch));
    let stopped: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      dataDir,
      storage: { kind: openedStores.kind, location: openedStores.location, archive: openedStores.archive },
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
          // 1. Nothing new comes in: no connection, no request (503), no schedule, no event; no
          //    execution and no step starts (the executions are aborted).
          const requestsAnswered = drain.drain(httpServer, 1500);
          await scheduler.stop();
          router.stop();
          localExecutions.beginStop();
          clearInterval(queueSweep);
          clearInterval(ttlSweep);
          clearInterval(runSweep);
          clearInterval(recovery);
          // 2. The requests under way are answered (their runs are durable; they start at the next start).
          await requestsAnswered;
          // 3. Running commands and handler-directory processes die with their groups; a command that
          //    had already exited keeps its real result; the handlers record what happened.
          killAllCommands();
          handlers?.stop();
          await localExecutions.stop(1000);
          await spawnPool.close();
          await outboxDelivery.stop();
          await withTimeout(bus.drain(), 500);
          await withTimeout(handlers?.drain() ?? Promise.resolve(), 200);
          await withTimeout(Promise.allSettled([sweeping, recovering, ttlSweeping, runSweeping]), 500);
          unsubscribeHandlers?.();
          unsubscribeCallbacks();
          unsubscribeRouter();
          // 4. Only then the store closes, and the data directory is free for the next start.
          if (writtenStackFile) rmSync(writtenStackFile, { force: true });
          await openedStores.close();
          if (!dataDir) rmSync(artifactRoot, { recursive: true, force: true });
          unlock?.();
        })();
        return stopped;
      },
    };
  } catch (error) {
    if (stackFile) rmSync(stackFile, { force: true });
    server?.close();
    await executions?.stop();
    await spawnPool.close();
    await stores?.close();
    if (!dataDir && artifactRoot) rmSync(artifactRoot, { recursive: true, force: true });
    unlock?.();
    throw error;
  }
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}
