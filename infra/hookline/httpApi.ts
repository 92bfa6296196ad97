import {
  RemovalPolicy,
  aws_apigateway as apigwv1,
  aws_apigatewayv2 as apigwv2,
  type aws_lambda as lambda,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Construct } from 'constructs';
import { DEFAULT_RATE_LIMIT } from '../../functions/api/auth/rateLimiter.ts';

/** The HTTP API default route's throttling: the local stack's default per-client limit (functions/api/auth/rateLimiter.ts). */
export const DEFAULT_THROTTLING = {
  rateLimit: DEFAULT_RATE_LIMIT.perSecond,
  burstLimit: DEFAULT_RATE_LIMIT.burst,
} as const;

export interface HooklineHttpApiProps {
  /** The function behind every route ($default): functions/handlers/api.ts. */
  readonly api: lambda.IFunction;
  readonly logRetention: logs.RetentionDays;
  readonly throttlingRateLimit?: number;
  readonly throttlingBurstLimit?: number;
}

/**
 * The HTTP API: one `$default` route to the api function, which authenticates every request itself
 * (functions/api/auth/), on a throttled `$default` stage with JSON access logs. No API Gateway authorizer
 * and no custom domain. Created in the Hookline construct's own scope (see the top of
 * infra/hooklineConstruct.ts).
 */
export class HooklineHttpApi {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** The HTTPS endpoint (no trailing slash); clients use it as their root URL. */
  readonly url: string;

  constructor(scope: Construct, props: HooklineHttpApiProps) {
    this.httpApi = new apigwv2.HttpApi(scope, 'HttpApi', {
      description: 'Hookline HTTP API',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('ApiIntegration', props.api, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
    });
    const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? DEFAULT_THROTTLING.rateLimit,
        burstLimit: props.throttlingBurstLimit ?? DEFAULT_THROTTLING.burstLimit,
      },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigwv1.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.url = this.httpApi.apiEndpoint;
  }
}
