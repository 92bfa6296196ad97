import {
  Duration,
  RemovalPolicy,
  aws_iam as iam,
  type aws_lambda as lambda,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ARTIFACT_KEY_PREFIX, ENVIRONMENT_VARIABLES } from '../../functions/adapters/aws/environment.ts';
import { DEFAULT_SETTINGS } from '../../functions/app/services.ts';

/**
 * The artifact bucket (README "Artifacts"): S3-managed encryption, all public access blocked, TLS
 * only, objects expiring a day after the runs' records (DEFAULT_SETTINGS.retentionSeconds; an
 * artifact that expires sooner is refused by the API from its record). Objects are
 * `runs/<runId>/<index>/<name>`. Only two roles reach it, each for one action: the step function
 * signs the upload a command step is handed (the command runner holds no rights), the api
 * function signs the short-lived download it redirects to. Created in the Hookline construct's own
 * scope (see the top of infra/hooklineConstruct.ts: the bucket keeps the logical id it has been
 * deployed with).
 */
export class ArtifactBucket {
  readonly bucket: s3.Bucket;
  /** The run artifacts' objects, `runs/*` (named after runs at run time). */
  readonly objectsArn: string;

  constructor(scope: Construct) {
    this.bucket = new s3.Bucket(scope, 'ArtifactBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      // The dashboard downloads through the API's redirect to a signed GET, a cross-origin fetch; the
      // signature is the credential, so any origin may read what a signed URL allows.
      cors: [{ allowedMethods: [s3.HttpMethods.GET], allowedOrigins: ['*'], maxAge: 3600 }],
      lifecycleRules: [
        {
          id: 'expire-with-runs',
          expiration: Duration.days(Math.ceil(DEFAULT_SETTINGS.retentionSeconds / 86_400) + 1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    this.objectsArn = this.bucket.arnForObjects(`${ARTIFACT_KEY_PREFIX}*`);
  }

  /** The step function signs the uploads command steps are handed (s3:PutObject), and knows the bucket. */
  grantSignUploads(step: lambda.Function): void {
    this.grantSigned(step, 's3:PutObject');
  }

  /** The api function signs the downloads it redirects to (s3:GetObject), and knows the bucket. */
  grantSignDownloads(api: lambda.Function): void {
    this.grantSigned(api, 's3:GetObject');
  }

  private grantSigned(fn: lambda.Function, action: string): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: [action], resources: [this.objectsArn] }));
    fn.addEnvironment(ENVIRONMENT_VARIABLES.artifactBucketName, this.bucket.bucketName);
  }
}
