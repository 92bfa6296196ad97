import { Duration, aws_iam as iam, type aws_lambda as lambda } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENVIRONMENT_VARIABLES } from '../../functions/adapters/aws/environment.ts';
import { COMMAND_RUNNER_HOOK_TYPES_FOLDER } from '../../functions/adapters/local/hookTypeDirectory.ts';
import { DEFAULT_SETTINGS } from '../../functions/app/services.ts';
import { type FunctionSettings, hooklineFunction } from './hooklineFunction.ts';

/**
 * The command-runner function: commands run here, not in the step function. Its role grants nothing but
 * its own logs, so a command cannot reach the table, the bus, the secret or any function (README, "What a
 * command step can and cannot reach"); no Hookline settings in its environment either. It carries the
 * `hookTypesDir` scripts (at COMMAND_RUNNER_HOOK_TYPES_FOLDER, functions/adapters/local/hookTypeDirectory.ts).
 * Only the step function invokes it.
 */
export class CommandRunner {
  readonly function: lambda.Function;

  constructor(scope: Construct, settings: FunctionSettings, hookTypesDir: string | undefined) {
    this.function = hooklineFunction(scope, settings, {
      name: 'commandRunner',
      description: 'Hookline: runs the program of one command step, with no access to Hookline',
      memorySize: 1024,
      // A command runs inside one step invocation: never longer than the step function.
      timeout: Duration.seconds(DEFAULT_SETTINGS.stepFunctionTimeoutSeconds),
      environment: {},
      ...(hookTypesDir ? { include: [{ from: hookTypesDir, to: COMMAND_RUNNER_HOOK_TYPES_FOLDER }] } : {}),
    });
  }

  /** The environment the step function finds the runner by (functions/adapters/aws/cloudServices.ts). */
  get callerEnvironment(): Record<string, string> {
    return { [ENVIRONMENT_VARIABLES.commandRunnerFunctionName]: this.function.functionName };
  }

  /** InvokeWithResponseStream is authorized by lambda:InvokeFunction. */
  grantInvoke(caller: lambda.IFunction): void {
    caller.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
    );
  }
}
