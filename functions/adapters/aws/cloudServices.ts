import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHash } from 'node:crypto';
import { baseCommandEnvironment } from '../../app/commandEnvironment.ts';
import { CLOUD_STREAMING_SETTINGS, DEFAULT_SETTINGS, type Services } from '../../app/services.ts';
import type { ArtifactStore } from '../../ports/artifactStore.ts';
import type { CommandRunner } from '../../ports/commandRunner.ts';
import type { StepActions } from '../../ports/stepActions.ts';
import { systemClock } from '../../ports/clock.ts';
import { jsonLogger } from '../jsonLogger.ts';
import { DynamoConcurrencyStore } from './dynamoConcurrencyStore.ts';
import { DynamoHookTypeStore } from './dynamoHookTypeStore.ts';
import { DynamoStore } from './dynamoStore.ts';
import { readCloudEnvironment, requireCloudSetting } from './environment.ts';
import { EventBridgeBus } from './eventBridgeBus.ts';
import { LambdaCommandRunner } from './lambdaCommandRunner.ts';
import { LambdaInvoker } from './lambdaInvoker.ts';
import { SfnExecutions } from './sfnExecutions.ts';

/**
 * The cloud's Services, built once per Lambda container from the environment the CDK stack sets.
 * The trigger-token key comes from the service secret in Secrets Manager (never from the environment).
 * A failed build (e.g. Secrets Manager unreachable) is not kept: the next request tries again.
 *
 * Cold start: a function loads only the SDK clients it uses. DynamoDB, EventBridge (PutEvents) and
 * Step Functions serve every function; Scheduler and the rule API (trigger sync) and Secrets Manager
 * serve only the api function and Lambda only `lambda` steps, so those modules are imported
 * dynamically where they are used and bundled as chunks loaded on that path only (see
 * infra/bundlingOptions.ts and `npm run bench -- bundles`).
 */
let cached: Promise<Services> | undefined;

export function cloudServices(functionName: string): Promise<Services> {
  cached ??= retriedOnFailure(build(functionName), () => {
    cached = undefined;
  });
  return cached;
}

let secretRead: Promise<ServiceSecret> | undefined;

/**
 * The service secret, read once per container (cold start) and shared by everything that needs it;
 * a failed read is forgotten, so the next request reads it again instead of failing for the
 * container's life.
 */
export function serviceSecret(
  read: () => Promise<ServiceSecret> = defaultSecretRead,
): Promise<ServiceSecret> {
  secretRead ??= retriedOnFailure(read(), () => {
    secretRead = undefined;
  });
  return secretRead;
}

function defaultSecretRead(): Promise<ServiceSecret> {
  return readServiceSecret(requireCloudSetting('rootCredentialsSecretArn'));
}

function retriedOnFailure<T>(promise: Promise<T>, forget: () => void): Promise<T> {
  return promise.catch((error: unknown) => {
    forget();
    throw error;
  });
}

/** Only the api function manages hooks and trigger tokens, so only it reads the service secret. */
export const FUNCTIONS_READING_THE_SECRET = new Set(['api']);

async function build(functionName: string): Promise<Services> {
  const services = await buildServices(functionName);
  const catalog = readCloudEnvironment().hookTypeCatalog;
  if (functionName === 'api' && catalog) {
    const { loadHookTypeCatalog } = await import('./hookTypeCatalog.ts');
    const loaded = await loadHookTypeCatalog(services, catalog);
    services.logger.info('hook types loaded', { hookTypes: loaded });
  }
  return services;
}

async function buildServices(functionName: string): Promise<Services> {
  const tokenKey = FUNCTIONS_READING_THE_SECRET.has(functionName)
    ? (await serviceSecret()).tokenKey
    : undefined;
  return {
    store: new DynamoStore({ tableName: requireCloudSetting('tableName') }),
    concurrency: new DynamoConcurrencyStore(requireCloudSetting('tableName')),
    hookTypes: new DynamoHookTypeStore(requireCloudSetting('tableName')),
    executions: new SfnExecutions(requireCloudSetting('stateMachineArn')),
    bus: new EventBridgeBus(requireCloudSetting('eventBusName')),
    invoker: new LambdaInvoker(),
    commands: functionName === 'step' ? commandRunnerFunction() : noCommandRunner(functionName),
    stepActions: functionName === 'step' ? await stepRunners() : noStepActions(functionName),
    // PATH, LANG, TZ… of the Lambda runtime (the command runner runs the same one); nothing else.
    commandEnvironment: baseCommandEnvironment(process.env, []),
    clock: systemClock,
    logger: jsonLogger({ function: functionName }),
    settings: { ...DEFAULT_SETTINGS, ...CLOUD_STREAMING_SETTINGS },
    // Only the api function changes hooks, so only it keeps their rules and schedules in line.
    triggers:
      functionName === 'api'
        ? (await import('./eventBridgeTriggerSync.ts')).EventBridgeTriggerSync.fromEnvironment()
        : undefined,
    artifacts: await artifactStore(),
    secrets: {
      get tokenKey(): Buffer {
        if (!tokenKey) throw new Error(`the ${functionName} function has no access to the service secret`);
        return tokenKey;
      },
    },
  };
}

/**
 * The artifact bucket, for the functions the stack gives it to (step: signs uploads; api: signs
 * downloads); elsewhere none (infra/hookline/artifactBucket.ts). Loaded on that path only.
 */
async function artifactStore(env: NodeJS.ProcessEnv = process.env): Promise<ArtifactStore | undefined> {
  const bucket = readCloudEnvironment(env).artifactBucketName;
  const region = env.AWS_REGION;
  if (!bucket || !region) return undefined;
  const [{ S3ArtifactStore }, { S3PresignSigner }] = await Promise.all([
    import('./s3ArtifactStore.ts'),
    import('./s3Signer.ts'),
  ]);
  return new S3ArtifactStore(new S3PresignSigner(bucket, region));
}

/** Only the step function runs command steps: through the command-runner function it is given. */
function commandRunnerFunction(): CommandRunner {
  return new LambdaCommandRunner(requireCloudSetting('commandRunnerFunctionName'));
}

/** Only the step function runs steps: the runners are loaded on that path only (a chunk of its bundle). */
async function stepRunners(): Promise<StepActions> {
  return (await import('../../runners/stepRunners.ts')).stepRunners;
}

function noStepActions(functionName: string): StepActions {
  return {
    actionFor: () => () => Promise.reject(new Error(`the ${functionName} function does not run steps`)),
  };
}

function noCommandRunner(functionName: string): CommandRunner {
  return {
    run: () => Promise.reject(new Error(`the ${functionName} function does not run command steps`)),
  };
}

export interface ServiceSecret {
  clientId: string;
  accessToken: string;
  tokenKey: Buffer;
}

/** The deploy-time secret: the root client's credentials; the trigger-token key is derived from a separate field when present. */
export async function readServiceSecret(
  secretArn: string,
  client?: SecretsManagerClient,
): Promise<ServiceSecret> {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  const out = await (client ?? new sdk.SecretsManagerClient({})).send(
    new sdk.GetSecretValueCommand({ SecretId: secretArn }),
  );
  const value = JSON.parse(out.SecretString ?? '{}') as {
    clientId?: string;
    accessToken?: string;
    tokenKey?: string;
  };
  if (!value.accessToken) throw new Error('the service secret has no accessToken');
  const tokenKeySource = value.tokenKey ?? `hookline-trigger-tokens:${value.accessToken}`;
  return {
    clientId: value.clientId ?? 'root',
    accessToken: value.accessToken,
    tokenKey: createHash('sha256').update(tokenKeySource).digest(),
  };
}
