import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHash } from 'node:crypto';
import { CLOUD_STREAMING_SETTINGS, DEFAULT_SETTINGS, type Services } from '../../app/services.ts';
import { systemClock } from '../../ports/clock.ts';
import { jsonLogger } from '../jsonLogger.ts';
import { DynamoConcurrencyStore } from './dynamoConcurrencyStore.ts';
import { DynamoHookTypeStore } from './dynamoHookTypeStore.ts';
import { DynamoStore } from './dynamoStore.ts';
import { requireCloudSetting } from './environment.ts';
import { EventBridgeBus } from './eventBridgeBus.ts';
import { EventBridgeTriggerSync } from './eventBridgeTriggerSync.ts';
import { LambdaInvoker } from './lambdaInvoker.ts';
import { SfnExecutions } from './sfnExecutions.ts';

/**
 * The cloud's Services, built once per Lambda container from the environment the CDK stack sets.
 * The trigger-token key comes from the service secret in Secrets Manager (never from the environment).
 */
let cached: Promise<Services> | undefined;

export function cloudServices(functionName: string): Promise<Services> {
  cached ??= build(functionName);
  return cached;
}

/** Only the api function manages hooks and trigger tokens, so only it reads the service secret. */
export const FUNCTIONS_READING_THE_SECRET = new Set(['api']);

async function build(functionName: string): Promise<Services> {
  const tokenKey = FUNCTIONS_READING_THE_SECRET.has(functionName)
    ? (await readServiceSecret(requireCloudSetting('rootCredentialsSecretArn'))).tokenKey
    : undefined;
  return {
    store: new DynamoStore({ tableName: requireCloudSetting('tableName') }),
    concurrency: new DynamoConcurrencyStore(requireCloudSetting('tableName')),
    hookTypes: new DynamoHookTypeStore(requireCloudSetting('tableName')),
    executions: new SfnExecutions(requireCloudSetting('stateMachineArn')),
    bus: new EventBridgeBus(requireCloudSetting('eventBusName')),
    invoker: new LambdaInvoker(),
    clock: systemClock,
    logger: jsonLogger({ function: functionName }),
    settings: { ...DEFAULT_SETTINGS, ...CLOUD_STREAMING_SETTINGS },
    // Only the api function changes hooks, so only it keeps their rules and schedules in line.
    triggers: functionName === 'api' ? EventBridgeTriggerSync.fromEnvironment() : undefined,
    secrets: {
      get tokenKey(): Buffer {
        if (!tokenKey) throw new Error(`the ${functionName} function has no access to the service secret`);
        return tokenKey;
      },
    },
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
  client = new SecretsManagerClient({}),
): Promise<ServiceSecret> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
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
