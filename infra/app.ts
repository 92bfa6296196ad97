/**
 * The CDK app (`cdk.json`: `npx tsx infra/app.ts`). One stack, `Hookline` by default
 * (`-c stackName=...` to deploy a second copy). cdk-nag's AwsSolutions checks run on every
 * synth (`-c nag=false` skips them); an unacknowledged finding fails the synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { HooklineStack } from './hooklineStack.ts';

const app = new App();
const stackName = String(app.node.tryGetContext('stackName') ?? 'Hookline');

new HooklineStack(app, stackName, {
  // Environment-agnostic unless the CLI knows an account and region (it does when
  // credentials are configured); synth works offline either way.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

if (String(app.node.tryGetContext('nag') ?? 'true') !== 'false') {
  Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
}
