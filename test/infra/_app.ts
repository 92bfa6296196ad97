import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { HooklineStack } from '../../infra/hooklineStack.ts';
import { handlerEntriesForTests } from './synth.ts';
const app = new App();
new HooklineStack(app, 'Hookline', { hookline: { handlerEntries: handlerEntriesForTests() } });
Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
