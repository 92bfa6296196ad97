import { aws_iam as iam, type aws_lambda as lambda, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * The root client's credentials (clientId "root"), generated at deploy time; only the api function, which
 * bootstraps the root client from them, may read them (FUNCTIONS_READING_THE_SECRET in
 * functions/adapters/aws/cloudServices.ts). Created in the Hookline construct's own scope (see the top of
 * infra/hooklineConstruct.ts).
 */
export class RootCredentials {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct) {
    this.secret = new secretsmanager.Secret(scope, 'RootCredentials', {
      description:
        'Hookline root client credentials (clientId "root"); the api function bootstraps the root client from them',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ clientId: 'root' }),
        generateStringKey: 'accessToken',
        passwordLength: 44,
        excludePunctuation: true,
      },
    });
  }

  grantGetSecretValue(fn: lambda.IFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.secret.secretArn],
      }),
    );
  }
}
