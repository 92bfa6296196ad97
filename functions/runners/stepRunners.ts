import type { StepActionKind } from '../core/job.ts';
import type { Action, StepActionContext, StepActions } from '../ports/stepActions.ts';
import { commandAction } from './commandStep.ts';
import { eventAction } from './event.ts';
import { runHttp } from './http.ts';
import { lambdaAction } from './lambda.ts';

/** The step actions of both modes: each reaches AWS or the machine only through the ports it is given. */
export const stepRunners: StepActions = {
  actionFor(kind: StepActionKind, context: StepActionContext): Action {
    switch (kind) {
      case 'command':
        return commandAction(context.commands);
      case 'http':
        return runHttp;
      case 'lambda':
        return lambdaAction(context.invoker);
      case 'event':
        return eventAction(context.bus, context.chainDepth);
    }
  },
};
