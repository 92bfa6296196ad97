/** The published taskcluster-client ships no types; the API tests use only the Hooks class. */
declare module 'taskcluster-client' {
  interface ClientOptions {
    rootUrl: string;
    retries?: number;
    credentials?: { clientId?: string; accessToken?: string };
  }
  type Call = (...args: unknown[]) => Promise<Record<string, unknown>>;
  export class Hooks {
    constructor(options: ClientOptions);
    [method: string]: Call | unknown;
  }
  const taskcluster: { Hooks: typeof Hooks };
  export default taskcluster;
}
