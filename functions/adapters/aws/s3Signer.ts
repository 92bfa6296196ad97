import { createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../core/sha256.ts';
import type { ArtifactSigner } from './s3ArtifactStore.ts';

/**
 * Signs S3 requests for the artifact bucket with the function's own role (SigV4): a presigned POST
 * (a policy: the bucket, keys under a prefix, any Content-Type, at most the size limit, an
 * expiry) and presigned GETs (query-string authentication, UNSIGNED-PAYLOAD, as S3 expects).
 * Nothing is sent to S3 here; the bucket checks the signature when the URL is used.
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The Lambda runtime's credentials for the function's role, from its environment. */
export function lambdaCredentials(env: NodeJS.ProcessEnv = process.env): AwsCredentials {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) throw new Error('no AWS credentials in the environment');
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
}

/** Percent-encoding as SigV4 canonicalizes it (a space is %20, never +). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** `20260101T120000Z` and `20260101`. */
function amzDates(date: Date): { amzDate: string; dateStamp: string } {
  const amzDate = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return { amzDate, dateStamp: amzDate.slice(0, 8) };
}

export class S3PresignSigner implements ArtifactSigner {
  private readonly host: string;

  constructor(
    private readonly bucket: string,
    private readonly region: string,
    private readonly credentials: () => AwsCredentials = () => lambdaCredentials(),
    private readonly now: () => Date = () => new Date(),
  ) {
    this.host = `${bucket}.s3.${region}.amazonaws.com`;
  }

  async presignPost(keyPrefix: string, maxBytes: number, expiresSeconds: number) {
    const credentials = this.credentials();
    const date = this.now();
    const { amzDate, dateStamp } = amzDates(date);
    const credential = `${credentials.accessKeyId}/${dateStamp}/${this.region}/s3/aws4_request`;
    const signed: Record<string, string> = {
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': credential,
      'X-Amz-Date': amzDate,
      ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
    };
    const policy = Buffer.from(
      JSON.stringify({
        expiration: new Date(date.getTime() + expiresSeconds * 1000).toISOString(),
        conditions: [
          { bucket: this.bucket },
          ['starts-with', '$key', keyPrefix],
          ['starts-with', '$Content-Type', ''],
          ['content-length-range', 0, maxBytes],
          ...Object.entries(signed).map(([field, value]) => ({ [field]: value })),
        ],
      }),
    ).toString('base64');
    const signingKey = hmac(
      hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, dateStamp), this.region), 's3'),
      'aws4_request',
    );
    return {
      url: `https://${this.host}/`,
      fields: { ...signed, Policy: policy, 'X-Amz-Signature': hmac(signingKey, policy).toString('hex') },
    };
  }

  async presignGet(key: string, expiresSeconds: number, responseQuery: Record<string, string> = {}) {
    const signer = new SignatureV4({
      service: 's3',
      region: this.region,
      credentials: this.credentials(),
      sha256: NodeSha256,
      uriEscapePath: false,
      applyChecksum: false,
    });
    const path = `/${key.split('/').map(encodeURIComponent).join('/')}`;
    const signed = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: this.host,
        path,
        query: responseQuery,
        headers: { host: this.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      { expiresIn: expiresSeconds, signingDate: this.now() },
    );
    const query = Object.entries(signed.query ?? {})
      .flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((one) => `${rfc3986(name)}=${rfc3986(one ?? '')}`),
      )
      .join('&');
    return `https://${this.host}${path}?${query}`;
  }
}
