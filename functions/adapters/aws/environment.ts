/**
 * The environment variables the cloud stack (infra/) gives the Lambda functions,
 * read in one place so the names cannot drift between the CDK construct and the handlers.
 */
export const ENVIRONMENT_VARIABLES = {
  tableName: 'HOOKLINE_TABLE_NAME',
  stateMachineArn: 'HOOKLINE_STATE_MACHINE_ARN',
  eventBusName: 'HOOKLINE_EVENT_BUS_NAME',
  scheduleGroupName: 'HOOKLINE_SCHEDULE_GROUP_NAME',
  schedulerRoleArn: 'HOOKLINE_SCHEDULER_ROLE_ARN',
  fireFunctionArn: 'HOOKLINE_FIRE_FUNCTION_ARN',
  rootCredentialsSecretArn: 'HOOKLINE_ROOT_CREDENTIALS_SECRET_ARN',
  commandRunnerFunctionName: 'HOOKLINE_COMMAND_RUNNER_FUNCTION_NAME',
  /** The artifact bucket (step and api functions only). */
  artifactBucketName: 'HOOKLINE_ARTIFACT_BUCKET_NAME',
  /** The operator's hook types, packaged by the CDK app (api function only; infra/hookTypeCatalog.ts). */
  hookTypeCatalog: 'HOOKLINE_HOOK_TYPE_CATALOG',
} as const;

/** Artifact objects are `runs/<runId>/<index>/<name>` in the artifact bucket. */
export const ARTIFACT_KEY_PREFIX = 'runs/';

export type CloudEnvironmentKey = keyof typeof ENVIRONMENT_VARIABLES;

export function readCloudEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Record<CloudEnvironmentKey, string | undefined> {
  const out = {} as Record<CloudEnvironmentKey, string | undefined>;
  for (const [key, name] of Object.entries(ENVIRONMENT_VARIABLES) as [CloudEnvironmentKey, string][]) {
    out[key] = env[name];
  }
  return out;
}

export function requireCloudSetting(key: CloudEnvironmentKey, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[ENVIRONMENT_VARIABLES[key]];
  if (!value) throw new Error(`missing environment variable ${ENVIRONMENT_VARIABLES[key]}`);
  return value;
}

/** The input of the stack's periodic trigger-repair schedule, which targets the api function. */
export const REPAIR_TRIGGERS_ACTION = 'repair-triggers';
