import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactSigner, S3ArtifactStore } from '../../../../functions/adapters/aws/s3ArtifactStore.ts';
import { S3PresignSigner } from '../../../../functions/adapters/aws/s3Signer.ts';
import type { ArtifactRecord } from '../../../../functions/core/artifacts.ts';
import { collectArtifacts, prepareArtifactInputs } from '../../../../functions/runners/artifactFiles.ts';
import { commandRunnerRequestSchema } from '../../../../functions/runners/commandRunnerProtocol.ts';

/**
 * The cloud's artifacts: the S3 store hands out signed POSTs and GETs (functions/adapters/aws/
 * s3ArtifactStore.ts, s3Signer.ts); the command runner uploads and downloads with them only
 * (functions/runners/artifactFiles.ts). S3 itself is a small fake HTTP server here.
 */
const record: ArtifactRecord = {
  name: 'report.html',
  path: 'out/report.html',
  size: 3,
  sha256: 'x',
  contentType: 'text/html',
  expiresAt: 0,
};

const fakeSigner: ArtifactSigner = {
  presignPost: async (keyPrefix, maxBytes, expiresSeconds) => ({
    url: 'https://bucket.s3.eu-west-1.amazonaws.com/',
    fields: { Policy: `${keyPrefix}|${maxBytes}|${expiresSeconds}` },
  }),
  presignGet: async (key, expiresSeconds, query) =>
    `https://bucket.s3.eu-west-1.amazonaws.com/${key}?e=${expiresSeconds}&q=${JSON.stringify(query ?? {})}`,
};

describe('S3ArtifactStore', () => {
  const store = new S3ArtifactStore(fakeSigner);

  it("signs an upload for the step's prefix, the size limit and the step's invocation", async () => {
    expect(await store.uploadTarget('run-1', 2, { maxBytes: 100 })).toEqual({
      kind: 'presignedPost',
      url: 'https://bucket.s3.eu-west-1.amazonaws.com/',
      fields: { Policy: 'runs/run-1/2/|100|960' },
      keyPrefix: 'runs/run-1/2/',
    });
    await expect(store.uploadTarget('../x', 0, { maxBytes: 1 })).rejects.toThrow('not a run id');
  });

  it('gives later steps signed GETs, and a download a one-minute redirect as an attachment', async () => {
    expect(await store.sourcesFor('run-1', [{ index: 0, record }])).toEqual([
      {
        name: 'report.html',
        source: {
          kind: 'url',
          url: 'https://bucket.s3.eu-west-1.amazonaws.com/runs/run-1/0/report.html?e=960&q={}',
        },
      },
    ]);
    const read = await store.read('run-1', 0, record);
    expect(read.kind).toBe('redirect');
    expect(read.kind === 'redirect' && read.url).toContain('?e=60&q=');
    expect(read.kind === 'redirect' && decodeURIComponent(read.url)).toContain(
      '"response-content-disposition":"attachment; filename=\\"report.html\\""',
    );
  });
});

describe('S3PresignSigner', () => {
  const credentials = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    sessionToken: 'tok',
  };
  const signer = new S3PresignSigner(
    'hookline-artifacts',
    'eu-west-1',
    () => credentials,
    () => new Date('2026-11-29T12:00:00Z'),
  );

  it('signs a POST policy: the bucket, keys under the prefix, the size limit, the expiry', async () => {
    const { url, fields } = await signer.presignPost('runs/r/0/', 1000, 960);
    expect(url).toBe('https://hookline-artifacts.s3.eu-west-1.amazonaws.com/');
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8'));
    expect(policy).toEqual({
      expiration: '2026-11-29T12:16:00.000Z',
      conditions: [
        { bucket: 'hookline-artifacts' },
        ['starts-with', '$key', 'runs/r/0/'],
        ['starts-with', '$Content-Type', ''],
        ['content-length-range', 0, 1000],
        { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' },
        { 'X-Amz-Credential': 'AKIDEXAMPLE/20261129/eu-west-1/s3/aws4_request' },
        { 'X-Amz-Date': '20261129T120000Z' },
        { 'X-Amz-Security-Token': 'tok' },
      ],
    });
    // SigV4 for POST: HMAC of the base64 policy with the key derived from the secret, date, region, service.
    const h = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const key = h(
      h(h(h(`AWS4${credentials.secretAccessKey}`, '20261129'), 'eu-west-1'), 's3'),
      'aws4_request',
    );
    expect(fields['X-Amz-Signature']).toBe(h(key, fields.Policy!).toString('hex'));
  });

  it('signs a GET with query authentication for the object, with response headers, nothing else', async () => {
    const url = new URL(
      await signer.presignGet('runs/r/0/report.html', 60, {
        'response-content-disposition': 'attachment; filename="report.html"',
      }),
    );
    expect(url.host).toBe('hookline-artifacts.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/runs/r/0/report.html');
    expect(url.search).not.toContain('+');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261129/eu-west-1/s3/aws4_request',
      'X-Amz-Date': '20261129T120000Z',
      'X-Amz-Expires': '60',
      'X-Amz-Security-Token': 'tok',
      'X-Amz-SignedHeaders': 'host',
      'response-content-disposition': 'attachment; filename="report.html"',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});

describe('the command runner with signed URLs', () => {
  let server: Server;
  let base: string;
  const uploads: Array<{ fields: Record<string, string>; file: string; fileName: string }> = [];
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (req.method === 'POST') {
        const form = await new Response(Buffer.concat(chunks), {
          headers: { 'content-type': req.headers['content-type']! },
        }).formData();
        const fields: Record<string, string> = {};
        let file = '';
        let fileName = '';
        const parts: Array<[string, FormDataEntryValue]> = [];
        form.forEach((value, name) => {
          parts.push([name, value]);
        });
        for (const [name, value] of parts) {
          if (typeof value === 'string') fields[name] = value;
          else {
            file = await value.text();
            fileName = value.name;
          }
        }
        uploads.push({ fields, file, fileName });
        res.writeHead(fields.Policy === 'bad' ? 403 : 204).end(fields.Policy === 'bad' ? 'AccessDenied' : '');
      } else res.writeHead(200).end(`content of ${req.url}`);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it("posts each kept file under the step's prefix with the signed fields, and reports its SHA-256", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hookline-s3-cwd-'));
    try {
      writeFileSync(join(cwd, 'report.html'), '<p>ok</p>');
      const kept = await collectArtifacts(cwd, {
        declared: [{ path: 'report.html' }],
        maxBytes: 100,
        target: {
          kind: 'presignedPost',
          url: `${base}/`,
          fields: { Policy: 'p', 'X-Amz-Signature': 's' },
          keyPrefix: 'runs/r/0/',
        },
      });
      expect(kept).toEqual({
        ok: true,
        artifacts: [
          expect.objectContaining({
            name: 'report.html',
            size: 9,
            sha256: createHash('sha256').update('<p>ok</p>').digest('hex'),
          }),
        ],
      });
      expect(uploads.at(-1)).toEqual({
        fields: {
          Policy: 'p',
          'X-Amz-Signature': 's',
          key: 'runs/r/0/report.html',
          'Content-Type': 'text/html; charset=utf-8',
        },
        file: '<p>ok</p>',
        fileName: 'report.html',
      });
      const refused = await collectArtifacts(cwd, {
        declared: [{ path: 'report.html' }],
        maxBytes: 100,
        target: { kind: 'presignedPost', url: `${base}/`, fields: { Policy: 'bad' }, keyPrefix: 'runs/r/0/' },
      });
      expect(refused).toEqual({
        ok: false,
        message: 'artifact report.html could not be uploaded: 403 AccessDenied',
      });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('downloads the earlier steps artifacts from their signed GETs', async () => {
    const dir = await prepareArtifactInputs(
      [{ name: 'a.txt', source: { kind: 'url', url: `${base}/runs/r/0/a.txt` } }],
      undefined,
    );
    try {
      expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('content of /runs/r/0/a.txt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the cloud runner takes only signed https targets, never a directory', () => {
    const request = { command: ['true'], env: {}, stdin: '{}', timeoutMs: 1000, outputLimitBytes: 100 };
    const target = {
      kind: 'presignedPost',
      url: 'https://b.s3.eu-west-1.amazonaws.com/',
      fields: {},
      keyPrefix: 'runs/r/0/',
    };
    const artifacts = { declared: [{ path: 'a' }], maxBytes: 10, target };
    expect(commandRunnerRequestSchema.safeParse({ ...request, artifacts }).success).toBe(true);
    expect(
      commandRunnerRequestSchema.safeParse({
        ...request,
        artifacts: { ...artifacts, target: { kind: 'directory', path: '/tmp' } },
      }).success,
    ).toBe(false);
    expect(
      commandRunnerRequestSchema.safeParse({
        ...request,
        artifacts: { ...artifacts, target: { ...target, url: 'http://x/' } },
      }).success,
    ).toBe(false);
  });
});
