import { describe, expect, it } from 'vitest';
import { bearerScheme } from '../../../../functions/api/auth/bearerScheme.ts';
import { AuthFailure, type SchemeContext } from '../../../../functions/api/auth/credentialScheme.ts';
import type { ClientContext } from '../../../../functions/app/clients.ts';
import { accessTokenKeyFrom, newAccessToken } from '../../../../functions/core/accessToken.ts';
import type { ClientRecord } from '../../../../functions/ports/clientStore.ts';

/** The Bearer scheme against a client table of one, in this process. */
const key = accessTokenKeyFrom(Buffer.alloc(32, 3));
const { token, fields } = newAccessToken(key, 'ops/deployer');
const record = { clientId: 'ops/deployer', scopes: ['hooks:*'], ...fields } as ClientRecord;
const context: SchemeContext = {
  clients: { accessTokenKey: key } as ClientContext,
  imported: new Map(),
  nonces: { claim: async () => true },
  now: () => Date.parse('2030-01-01T00:00:00Z'),
  lookup: async (clientId) => (clientId === record.clientId ? record : undefined),
};
const scheme = bearerScheme(context);
const verify = (header: string) => scheme.verify(undefined as never, header);

describe('the Bearer scheme', () => {
  it('takes only Bearer headers, in any case', () => {
    expect(scheme.accepts(`Bearer ops/deployer:${token}`)).toBe(true);
    expect(scheme.accepts(`bearer ops/deployer:${token}`)).toBe(true);
    expect(scheme.accepts('Hawk id="x"')).toBe(false);
  });

  it("verifies the client's token (a clientId may hold colons and slashes) and carries its scopes", async () => {
    expect(await verify(`Bearer ops/deployer:${token}`)).toEqual({ record, scopes: ['hooks:*'] });
  });

  it('refuses a wrong token and an unknown client with the same public message', async () => {
    const wrong = await verify('Bearer ops/deployer:not-the-token').catch((e: unknown) => e);
    const unknown = await verify(`Bearer ops/nobody:${token}`).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(AuthFailure);
    expect(unknown).toBeInstanceOf(AuthFailure);
    expect((wrong as AuthFailure).reason).toBe('wrong access token');
    expect((unknown as AuthFailure).reason).toBe('unknown client');
    expect((wrong as AuthFailure).publicMessage).toBe((unknown as AuthFailure).publicMessage);
    expect((wrong as AuthFailure).publicMessage).not.toContain('not-the-token');
  });

  it('refuses credentials without a clientId or a token', async () => {
    for (const header of ['Bearer justatoken', 'Bearer :token', 'Bearer ops/deployer:']) {
      await expect(verify(header)).rejects.toMatchObject({ reason: expect.stringContaining('malformed') });
    }
  });
});
