import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../core/sha256.ts';
import type { Context } from 'hono';

/**
 * AWS Signature Version 4, for the local EventBridge-compatible endpoint: an unchanged AWS SDK
 * client signs with `accessKeyId` = a Hookline clientId and `secretAccessKey` = its access token.
 * The request is signed again here with the same library the SDK uses (@smithy/signature-v4), over
 * exactly the headers the client signed, and the two signatures compared in constant time.
 */

export interface SigV4Header {
  clientId: string;
  shortDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** `AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/<service>/aws4_request, SignedHeaders=a;b, Signature=<hex>` */
export function parseSigV4Header(header: string): SigV4Header | undefined {
  const match =
    /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/i.exec(
      header.trim(),
    );
  if (!match) return undefined;
  const parts = match[1]!.split('/');
  // A clientId may contain '/': the scope is the last four parts.
  if (parts.length < 5 || parts[parts.length - 1] !== 'aws4_request') return undefined;
  const [shortDate, region, service] = parts.slice(-4, -1) as [string, string, string];
  return {
    clientId: parts.slice(0, -4).join('/'),
    shortDate,
    region,
    service,
    signedHeaders: match[2]!.toLowerCase().split(';'),
    signature: match[3]!.toLowerCase(),
  };
}

/** `20300101T120000Z` → Date, or undefined. */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Whether `parsed.signature` is the signature of this request with `secret`. */
export async function sigV4SignatureMatches(
  c: Context,
  parsed: SigV4Header,
  secret: string,
  signingDate: Date,
  body: Uint8Array,
): Promise<boolean> {
  const url = new URL(c.req.url);
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = c.req.header(name);
    if (value === undefined) return false;
    headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  // @smithy/signature-v4 takes a present x-amz-content-sha256 header as the payload's hash instead of
  // hashing the body: a request signed for one body could then carry another. The body decides.
  const claimedHash = c.req.header('x-amz-content-sha256');
  if (
    claimedHash !== undefined &&
    claimedHash.toLowerCase() !== createHash('sha256').update(body).digest('hex')
  )
    return false;
  const signer = new SignatureV4({
    service: parsed.service,
    region: parsed.region,
    credentials: { accessKeyId: parsed.clientId, secretAccessKey: secret },
    sha256: NodeSha256,
    uriEscapePath: true,
  });
  const signed = await signer.sign(
    {
      method: c.req.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers,
      body,
    },
    {
      signingDate,
      signingRegion: parsed.region,
      signingService: parsed.service,
      signableHeaders: new Set(parsed.signedHeaders),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
  const a = Buffer.from(expected.padEnd(64, '0'), 'hex');
  const b = Buffer.from(parsed.signature, 'hex');
  return a.length === 32 && b.length === 32 && timingSafeEqual(a, b) && expected.length === 64;
}
