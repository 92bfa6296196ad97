import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  type aws_lambda as lambda,
  aws_logs as logs,
  type aws_sns as sns,
  type aws_sqs as sqs,
  type aws_stepfunctions as sfn,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENGINE_ERROR_MESSAGE } from '../../functions/app/engineErrors.ts';
import type { HandlerName } from '../bundlingOptions.ts';

export interface HooklineAlarmsProps {
  readonly stateMachine: sfn.StateMachine;
  /** Names the engine-errors metric's namespace, `Hookline/<name>`. */
  readonly stateMachineName: string;
  readonly functions: Readonly<Record<HandlerName, lambda.Function>>;
  readonly deadLetterQueue: sqs.IQueue;
  /** Where the alarms notify; without it they only change state. */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The alarms: each fires on one occurrence in five minutes of something an operator must look at (an
 * engine error, a function error, an undeliverable schedule or event), never on users' failing steps.
 * Created in the Hookline construct's own scope (see the top of infra/hooklineConstruct.ts).
 */
export class HooklineAlarms {
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, props: HooklineAlarmsProps) {
    const alarms: cloudwatch.Alarm[] = [];
    const period = Duration.minutes(5);
    const alarm = (id: string, metric: cloudwatch.IMetric, description: string) => {
      const a = new cloudwatch.Alarm(scope, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (props.alarmTopic) a.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
      alarms.push(a);
    };
    // Users' failing steps never fail an execution (a critical failure takes the skip branch and
    // ends through Finish), so a FAILED execution is always an engine error (Finish failed).
    alarm(
      'ExecutionsFailedAlarm',
      props.stateMachine.metricFailed({ period, statistic: 'Sum' }),
      'A job execution failed in the engine (Finish failed past its retries; the run sweeper finishes the run).',
    );
    // Engine errors the executions survive (a step the engine failed, a run the sweeper finished),
    // counted from the step and finish functions' logs (functions/app/engineErrors.ts).
    const engineErrors = new cloudwatch.Metric({
      namespace: `Hookline/${props.stateMachineName}`,
      metricName: 'EngineErrors',
      period,
      statistic: 'Sum',
    });
    const { step, finish } = props.functions;
    for (const [id, fn] of [
      ['StepEngineErrorsFilter', step],
      ['FinishEngineErrorsFilter', finish],
    ] as const) {
      new logs.MetricFilter(scope, id, {
        logGroup: fn.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', ENGINE_ERROR_MESSAGE),
        metricNamespace: engineErrors.namespace,
        metricName: engineErrors.metricName,
        metricValue: '1',
      });
    }
    alarm(
      'EngineErrorsAlarm',
      engineErrors,
      'The engine failed a step or a run (Lambda timeout, out of memory, throttling past retries, a failing Finish); ' +
        "users' failing steps are not counted.",
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      const logicalName = name[0]!.toUpperCase() + name.slice(1);
      alarm(
        `${logicalName}FunctionErrorsAlarm`,
        fn.metricErrors({ period, statistic: 'Sum' }),
        `The Hookline ${name} function threw or timed out.`,
      );
    }
    alarm(
      'FireDeadLetterQueueAlarm',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'A schedule or event could not be delivered to the fire function after retries; see the dead-letter queue.',
    );
    this.alarms = alarms;
  }
}
