import { SignatureV4 } from '@smithy/signature-v4';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AuthFailure, type SchemeContext } from '../../../../functions/api/auth/credentialScheme.ts';
import { sigv4Scheme } from '../../../../functions/api/auth/sigv4Scheme.ts';
import type { ClientContext } from '../../../../functions/app/clients.ts';
import { accessTokenKeyFrom, newAccessToken } from '../../../../functions/core/accessToken.ts';
import { NodeSha256 } from '../../../../functions/core/sha256.ts';
import type { ClientRecord } from '../../../../functions/ports/clientStore.ts';

/**
 * The SigV4 scheme against a client table of one, in this process: requests signed the way an
 * unchanged AWS SDK client signs them (accessKeyId = clientId, secretAccessKey = access token).
 */
const NOW = Date.parse('2030-01-01T12:00:00Z');
const key = accessTokenKeyFrom(Buffer.alloc(32, 5));
const { token, fields } = newAccessToken(key, 'team/producer');
const record = { clientId: 'team/producer', scopes: ['hooks:put-events'], ...fields } as ClientRecord;
const used = new Set<string>();
const context: SchemeContext = {
  clients: { accessTokenKey: key } as ClientContext,
  imported: new Map(),
  nonces: {
    claim: async (clientId, nonce) => !used.has(`${clientId} ${nonce}`) && !!used.add(`${clientId} ${nonce}`),
  },
  now: () => NOW,
  lookup: async (clientId) => (clientId === record.clientId ? record : undefined),
};
const scheme = sigv4Scheme(context);

/** An app whose one route verifies the request's Authorization header with the scheme. */
const app = new Hono();
app.post('/', async (c) => {
  try {
    const { record: who, scopes } = await scheme.verify(c, c.req.header('authorization') ?? '');
    return c.json({ clientId: who.clientId, scopes });
  } catch (error) {
    if (!(error instanceof AuthFailure)) throw error;
    return c.json({ reason: error.reason, message: error.publicMessage }, 401);
  }
});

async function signed(
  body: string,
  options: { clientId?: string; secret?: string; at?: number } = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'events',
    region: 'local',
    sha256: NodeSha256,
    credentials: {
      accessKeyId: options.clientId ?? record.clientId,
      secretAccessKey: options.secret ?? token,
    },
  });
  const request = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: 'localhost',
      path: '/',
      headers: {
        host: 'localhost',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSEvents.PutEvents',
      },
      body,
    },
    { signingDate: new Date(options.at ?? NOW) },
  );
  return request.headers;
}

const send = async (body: string, headers: Record<string, string>, sentBody = body) =>
  app.request('http://localhost/', { method: 'POST', headers, body: sentBody });

describe('the AWS SigV4 scheme', () => {
  it('takes only AWS4-HMAC-SHA256 headers', () => {
    expect(scheme.accepts('AWS4-HMAC-SHA256 Credential=a/20300101/r/s/aws4_request')).toBe(true);
    expect(scheme.accepts('Bearer a:b')).toBe(false);
  });

  it('verifies a request signed with the access token and carries the client scopes', async () => {
    const body = '{"Entries":[]}';
    const res = await send(body, await signed(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ clientId: 'team/producer', scopes: ['hooks:put-events'] });
  });

  it('refuses the same signed request a second time (replay)', async () => {
    const body = '{"Entries":[{"Source":"replayed"}]}';
    const headers = await signed(body);
    expect((await send(body, headers)).status).toBe(200);
    const again = await send(body, headers);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ reason: 'AWS SigV4: replayed' });
  });

  it('refuses a body other than the one signed', async () => {
    const headers = await signed('{"Entries":[]}');
    const res = await send('{"Entries":[]}', headers, '{"Entries":[{"Source":"forged"}]}');
    expect(await res.json()).toMatchObject({ reason: 'AWS SigV4: signature mismatch' });
  });

  it('refuses a wrong secret and an unknown client with the same public message', async () => {
    const body = '{}';
    const wrong = await (await send(body, await signed(body, { secret: 'not-the-token' }))).json();
    const unknown = await (await send(body, await signed(body, { clientId: 'team/nobody' }))).json();
    expect(wrong.reason).toBe('AWS SigV4: signature mismatch');
    expect(unknown.reason).toBe('unknown client');
    expect(wrong.message).toBe(unknown.message);
  });

  it('refuses a request signed more than 5 minutes from the server clock, saying to check the clock', async () => {
    const body = '{"late":true}';
    const res = await send(body, await signed(body, { at: NOW - 6 * 60 * 1000 }));
    const answer = await res.json();
    expect(answer.reason).toBe('AWS SigV4: stale X-Amz-Date');
    expect(answer.message).toMatch(/5 minutes/);
    const fresh = await send('{"late":false}', await signed('{"late":false}', { at: NOW - 4 * 60 * 1000 }));
    expect(fresh.status).toBe(200);
  });

  it('refuses a malformed header', async () => {
    const res = await send('{}', { authorization: 'AWS4-HMAC-SHA256 nonsense' });
    expect(await res.json()).toMatchObject({ reason: 'malformed AWS SigV4 header' });
  });
});
