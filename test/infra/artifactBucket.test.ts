import { afterAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLES } from '../../functions/adapters/aws/environment.ts';
import { actionsOf, flat, logicalIdOf, roleOfFunction, statementsOfRole, synthHookline } from './synth.ts';

/**
 * The artifact bucket (README "Artifacts"): encrypted, never public, TLS only, expiring with the
 * runs' records; reached only by the step function (uploads it signs) and the api function
 * (downloads it signs), never by the command runner.
 */
const synthesized = synthHookline();
const t = synthesized.templateJson;
afterAll(() => synthesized.cleanup());

const bucketId = logicalIdOf(t, 'AWS::S3::Bucket', 'HooklineArtifactBucket');
const bucket = t.Resources[bucketId]!.Properties!;
const fn = (prefix: string) => logicalIdOf(t, 'AWS::Lambda::Function', prefix);

function s3Statements(functionId: string) {
  return statementsOfRole(t, roleOfFunction(t, functionId)).filter((s) =>
    actionsOf([s]).some((a) => a.startsWith('s3:')),
  );
}

describe('the artifact bucket', () => {
  it('is encrypted, blocks all public access, owns its objects and is kept when the stack goes', () => {
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(t.Resources[bucketId]!.DeletionPolicy).toBe('Retain');
  });

  it('expires objects a day after the runs records (90 days) and drops unfinished uploads', () => {
    expect(bucket.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'expire-with-runs',
          Status: 'Enabled',
          ExpirationInDays: 91,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
      ],
    });
  });

  it('lets a browser read what a signed GET allows (the dashboard follows the download redirect)', () => {
    expect(bucket.CorsConfiguration).toEqual({
      CorsRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'], MaxAge: 3600 }],
    });
  });

  it('refuses requests without TLS', () => {
    const policy = Object.values(t.Resources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && flat(r.Properties!.Bucket) === `<${bucketId}>`,
    );
    const statements = (policy!.Properties!.PolicyDocument as { Statement: Array<Record<string, unknown>> })
      .Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('only the step function (PutObject) and the api function (GetObject) reach it, on runs/ objects', () => {
    const step = s3Statements(fn('HooklineStepFunction'));
    const api = s3Statements(fn('HooklineApiFunction'));
    expect(step.map((s) => [s.Action, flat(s.Resource)])).toEqual([
      ['s3:PutObject', `<${bucketId}.Arn>/runs/*`],
    ]);
    expect(api.map((s) => [s.Action, flat(s.Resource)])).toEqual([
      ['s3:GetObject', `<${bucketId}.Arn>/runs/*`],
    ]);
    for (const other of ['HooklineCommandRunnerFunction', 'HooklineFireFunction', 'HooklineFinishFunction'])
      expect(s3Statements(fn(other)), other).toEqual([]);
    const roles = Object.entries(t.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties).includes(bucketId))
      .map(([id]) => id);
    expect(roles).toHaveLength(2);
  });

  it('its name is given to the step and api functions only', () => {
    for (const [prefix, given] of [
      ['HooklineStepFunction', true],
      ['HooklineApiFunction', true],
      ['HooklineFireFunction', false],
      ['HooklineFinishFunction', false],
    ] as const) {
      const env =
        (
          t.Resources[fn(prefix)]!.Properties!.Environment as
            | { Variables?: Record<string, unknown> }
            | undefined
        )?.Variables ?? {};
      expect(env[ENVIRONMENT_VARIABLES.artifactBucketName], prefix).toEqual(
        given ? { Ref: bucketId } : undefined,
      );
    }
  });
});
