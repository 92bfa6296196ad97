/** The parts of @hapi/hawk (which ships no types) that Hookline uses. */
declare module '@hapi/hawk' {
  export interface HawkCredentials {
    key: string;
    algorithm: 'sha256' | 'sha1';
    user?: string;
  }
  export interface HawkArtifacts {
    method: string;
    host: string;
    port: number | string;
    resource: string;
    ts: string;
    nonce: string;
    hash?: string;
    ext?: string;
    app?: string;
    dlg?: string;
    mac?: string;
    id: string;
  }
  export interface HawkRequest {
    method: string;
    url: string;
    host: string;
    port: number;
    authorization: string;
    contentType?: string;
  }
  export interface ServerOptions {
    timestampSkewSec?: number;
    localtimeOffsetMsec?: number;
    payload?: string | Buffer;
    nonceFunc?: (key: string, nonce: string, ts: string) => Promise<void>;
  }
  export interface ClientHeaderOptions {
    credentials: { id: string; key: string; algorithm: 'sha256' | 'sha1' };
    ext?: string;
    timestamp?: number;
    nonce?: string;
    localtimeOffsetMsec?: number;
    payload?: string;
    contentType?: string;
    hash?: string;
  }
  export const server: {
    authenticate(
      request: HawkRequest,
      credentialsFunc: (id: string) => Promise<HawkCredentials | null | undefined>,
      options?: ServerOptions,
    ): Promise<{ credentials: HawkCredentials; artifacts: HawkArtifacts }>;
    authenticatePayload(
      payload: string | Buffer,
      credentials: HawkCredentials,
      artifacts: HawkArtifacts,
      contentType: string,
    ): void;
  };
  export const client: {
    header(
      uri: string | URL,
      method: string,
      options: ClientHeaderOptions,
    ): { header: string; artifacts: HawkArtifacts };
  };
  const Hawk: { server: typeof server; client: typeof client };
  export default Hawk;
}
