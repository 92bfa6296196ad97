import Hawk from '@hapi/hawk';
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../../functions/app/clients.ts';
import { accessTokenKeyFrom } from '../../../functions/core/accessToken.ts';
import type { ClientRecord } from '../../../functions/ports/clientStore.ts';
import { bearer, startTestStack, type TestStack } from '../../support/stack.ts';

/**
 * Access tokens are verified with a server-side key that is not in the table: a client record
 * written straight into the table (through the ClientStore port, as a table write would) with a
 * token, hash, salt or nonce of the writer's choosing never authenticates, with Bearer or Hawk.
 * Records from before the upgrade keep working until their next reset.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
});
afterAll(async () => {
  await stack?.cleanup();
});

const now = new Date().toISOString();

function record(clientId: string, fields: Partial<ClientRecord>): ClientRecord {
  return {
    clientId,
    description: 'written straight into the table',
    scopes: ['*'],
    expires: '3000-01-01T00:00:00.000Z',
    disabled: false,
    created: now,
    lastModified: now,
    lastDateUsed: now,
    lastRotated: now,
    accessTokenHash: '',
    accessTokenSalt: '',
    version: 1,
    ...fields,
  };
}

/** The verifier format before the upgrade: HMAC-SHA256 keyed with the salt alone. */
function unkeyedHash(salt: string, token: string): string {
  return createHmac('sha256', Buffer.from(salt, 'hex')).update(token).digest('hex');
}

function hawk(credentials: Credentials, path: string): string {
  return Hawk.client.header(`${stack.url}/api/hooks/v1${path}`, 'GET', {
    credentials: { id: credentials.clientId, key: credentials.accessToken, algorithm: 'sha256' },
  }).header;
}

async function statusWith(authorization: string): Promise<number> {
  return (await stack.api('GET', '/clients', undefined, { authorization })).status;
}

describe('a client record written straight into the table', () => {
  const chosenToken = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');

  it.each([
    ['the old salted hash of a chosen token, no nonce', { accessTokenHash: unkeyedHash(salt, chosenToken) }],
    [
      'the old salted hash of a chosen token with a nonce',
      {
        accessTokenHash: unkeyedHash(salt, chosenToken),
        accessTokenNonce: randomBytes(32).toString('base64url'),
      },
    ],
    [
      'a keyed-looking hash under a guessed key',
      {
        accessTokenHash: createHmac('sha256', Buffer.alloc(32))
          .update(`hookline access token verifier v2\u0000forged\u0000${salt}\u0000${chosenToken}`)
          .digest('hex'),
      },
    ],
  ])('is refused with Bearer and Hawk: %s', async (_what, fields) => {
    const clientId = `forged-${randomBytes(4).toString('hex')}`;
    await stack.clients!.store.createClient(record(clientId, { accessTokenSalt: salt, ...fields }));
    const forged = { clientId, accessToken: chosenToken };
    expect(await statusWith(bearer(forged))).toBe(401);
    expect(await statusWith(hawk(forged, '/clients'))).toBe(401);
    // the same store and stack accept a real client: the refusal is the verifier's, not the setup's
    expect(await statusWith(bearer(stack.rootCredentials))).toBe(200);
  });
});

describe('a client from before the upgrade (unkeyed verifier, token derived from its nonce)', () => {
  it('keeps working with Bearer and Hawk until its token is reset, which writes a keyed verifier', async () => {
    const clientId = 'made-before-the-upgrade';
    const nonce = randomBytes(32).toString('base64url');
    const key = accessTokenKeyFrom(stack.services.secrets.tokenKey);
    const token = createHmac('sha256', key).update(`${clientId}\u0000${nonce}`).digest('base64url');
    const salt = randomBytes(16).toString('hex');
    await stack.clients!.store.createClient(
      record(clientId, {
        scopes: ['auth:list-clients'],
        accessTokenHash: unkeyedHash(salt, token),
        accessTokenSalt: salt,
        accessTokenNonce: nonce,
      }),
    );
    const old = { clientId, accessToken: token };
    expect(await statusWith(bearer(old))).toBe(200);
    expect(await statusWith(hawk(old, '/clients'))).toBe(200);

    const reset = await stack.api<{ accessToken: string }>('POST', `/clients/${clientId}/reset`);
    expect(reset.status).toBe(200);
    const stored = await stack.clients!.store.getClient(clientId);
    expect(stored!.accessTokenHash).not.toBe(unkeyedHash(stored!.accessTokenSalt, reset.body.accessToken));
    expect(await statusWith(bearer(old))).toBe(401);
    expect(await statusWith(bearer({ clientId, accessToken: reset.body.accessToken }))).toBe(200);
  });
});
