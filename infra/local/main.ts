import { parseArgs } from 'node:util';
import { DEFAULT_RATE_LIMIT } from '../../functions/api/auth/rateLimiter.ts';
import { parsePassEnv } from '../../functions/app/commandEnvironment.ts';
import { createLocalStack } from './localStack.ts';
import { parseStoreKind, type StoreKind } from './stores.ts';

/** `npm start`: boots the local stack and runs until Ctrl-C. */
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'no-auth': { type: 'boolean' },
    'rate-limit': { type: 'string' },
    handlers: { type: 'string' },
    'hook-types': { type: 'string' },
    'pass-env': { type: 'string' },
    'run-as': { type: 'string' },
    store: { type: 'string' },
    'dynamodb-endpoint': { type: 'string' },
    table: { type: 'string' },
    'spawn-helpers': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: false,
});

if (values.help) {
  process.stdout.write(`Usage: npm start -- [--port N] [--host ADDR] [--data-dir DIR] [--no-auth] [--rate-limit N]
       [--handlers DIR] [--hook-types DIR] [--pass-env NAME[,NAME]] [--run-as USER]
       [--store sqlite|dynamodb] [--dynamodb-endpoint URL] [--table NAME] [--spawn-helpers N]

  --port      HTTP port (default 8080, or HOOKLINE_PORT)
  --host      address to bind (default 127.0.0.1, or HOOKLINE_HOST)
  --data-dir  where data is kept (default .hookline/, or HOOKLINE_DATA_DIR)
  --no-auth   no authentication (only on a loopback address); default: on, with the root
              client's credentials in DIR/credentials.json
  --rate-limit  requests a second per client (bursts of twice that; 0: no limit; default ${DEFAULT_RATE_LIMIT.perSecond})
  --handlers DIR    call every executable in DIR for each lifecycle event (Igor's
                    pre-job, post-start, post-testcase, post-job, post-end) with the event
                    name and run id as arguments and the event JSON on stdin
  --hook-types DIR  load hook types from DIR/<name>.hook/ folders
  --pass-env NAME[,NAME]  also give commands these variables of this environment (or
                    HOOKLINE_PASS_ENV); commands otherwise get only PATH, HOME, LANG, TZ,
                    USER, SHELL, the job's and step's env and the HOOKLINE_* step variables
  --run-as USER     run commands as USER (or HOOKLINE_RUN_AS); the stack must run as root
  --store sqlite|dynamodb   where records are kept (default sqlite, or HOOKLINE_STORE):
                    sqlite: the embedded database DIR/hookline.db;
                    dynamodb: the DynamoDB adapters the cloud runs, on embedded dynalite
                    (DIR/dynamodb) unless --dynamodb-endpoint is given
  --dynamodb-endpoint URL   with --store dynamodb: a DynamoDB-compatible endpoint (DynamoDB
                    Local, or DynamoDB itself; region and credentials from the usual AWS
                    chain), or HOOKLINE_DYNAMODB_ENDPOINT
  --table NAME      with --store dynamodb: the table (created if missing; default hookline,
                    or HOOKLINE_TABLE)
  --spawn-helpers N the small processes that start commands (1 to 32; default one a core,
                    2 to 4; or HOOKLINE_SPAWN_HELPERS)
`);
  process.exit(0);
}

const portText = values.port ?? process.env.HOOKLINE_PORT ?? '8080';
if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
  process.stderr.write(`invalid port "${portText}"\n`);
  process.exit(2);
}

const rateText = values['rate-limit'] ?? process.env.HOOKLINE_RATE_LIMIT;
if (rateText !== undefined && !/^\d{1,6}$/.test(rateText)) {
  process.stderr.write(`invalid rate limit "${rateText}"\n`);
  process.exit(2);
}
const rate = rateText === undefined ? undefined : Number(rateText);

const dynamodbEndpoint = values['dynamodb-endpoint'] ?? process.env.HOOKLINE_DYNAMODB_ENDPOINT;
const tableName = values.table ?? process.env.HOOKLINE_TABLE;
let store: StoreKind;
try {
  // An endpoint alone says which store: the DynamoDB one.
  store = parseStoreKind(
    values.store ?? process.env.HOOKLINE_STORE ?? (dynamodbEndpoint ? 'dynamodb' : 'sqlite'),
  );
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
if (store !== 'dynamodb' && (dynamodbEndpoint || tableName)) {
  process.stderr.write('--dynamodb-endpoint and --table go with --store dynamodb\n');
  process.exit(2);
}
if (dynamodbEndpoint && !URL.canParse(dynamodbEndpoint)) {
  process.stderr.write(`invalid DynamoDB endpoint "${dynamodbEndpoint.slice(0, 200)}": give a URL\n`);
  process.exit(2);
}
if (tableName !== undefined && !/^[a-zA-Z0-9_.-]{3,255}$/.test(tableName)) {
  process.stderr.write(`invalid table name "${tableName.slice(0, 100)}": 3 to 255 of a-z A-Z 0-9 _ . -\n`);
  process.exit(2);
}

// The AWS SDK's multi-line notice about Node 20 becomes one structured log line.
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 22) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'warn', message: 'Node 20 works; AWS SDK releases after early 2027 need Node 22 (the Lambda functions run on nodejs22.x)', node: process.version })}\n`,
  );
}

const spawnHelpersText = values['spawn-helpers'] ?? process.env.HOOKLINE_SPAWN_HELPERS;
if (spawnHelpersText !== undefined && !/^\d{1,2}$/.test(spawnHelpersText)) {
  process.stderr.write(`invalid number of spawn helpers "${spawnHelpersText.slice(0, 20)}"\n`);
  process.exit(2);
}

let passEnv: string[];
try {
  passEnv = parsePassEnv(values['pass-env'] ?? process.env.HOOKLINE_PASS_ENV);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}

const starting = createLocalStack({
  auth: !values['no-auth'],
  rateLimit: rate === undefined ? undefined : rate === 0 ? false : { perSecond: rate, burst: rate * 2 },
  port: Number(portText),
  host: values.host ?? process.env.HOOKLINE_HOST ?? '127.0.0.1',
  dataDir: values['data-dir'] ?? process.env.HOOKLINE_DATA_DIR ?? '.hookline',
  handlersDir: values.handlers ?? process.env.HOOKLINE_HANDLERS_DIR,
  hookTypesDir: values['hook-types'] ?? process.env.HOOKLINE_HOOK_TYPES_DIR,
  environment: process.env,
  passEnv,
  runAs: values['run-as'] ?? (process.env.HOOKLINE_RUN_AS || undefined),
  store,
  dynamodbEndpoint,
  tableName,
  spawnHelpers: spawnHelpersText === undefined ? undefined : Number(spawnHelpersText),
}).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});

// The signals are handled from here on, so a stop that arrives while the stack starts is a clean one too.
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', message: 'stopping', signal })}\n`,
  );
  // The stop drains within a few seconds (infra/local/localStack.ts); whatever is left by then is cut.
  const force = setTimeout(() => process.exit(1), 4_500);
  force.unref();
  await (await starting).stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const stack = await starting;
if (!stopping)
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', message: 'hookline listening', url: stack.url, api: `${stack.url}/api/hooks/v1`, dataDir: stack.dataDir, store: stack.storage.kind, storeLocation: stack.storage.location, auth: values['no-auth'] ? 'off' : 'on', ...(stack.credentialsFile ? { credentialsFile: stack.credentialsFile } : {}) })}\n`,
  );
