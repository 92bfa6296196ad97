import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';

/**
 * The HTTP side of a graceful stop: once draining, the server takes no new connection, a request that
 * arrives on an open one is refused with 503 + Retry-After (and the connection closed), and the
 * requests under way are answered before the store closes — waited for, at most `timeoutMs`.
 * Before the stack is ready (the port is bound first, so a busy port fails before anything is
 * written) requests are refused the same way.
 */
export const RETRY_AFTER_SECONDS = 5;

export class HttpDrain {
  private handler: RequestListener | undefined;
  private draining = false;
  private readonly inFlight = new Set<ServerResponse>();
  private idle: (() => void) | undefined;

  /** The listener to give the server. */
  readonly listener: RequestListener = (request: IncomingMessage, response: ServerResponse) => {
    if (this.draining || !this.handler) {
      response.writeHead(503, {
        'content-type': 'application/json',
        'retry-after': String(RETRY_AFTER_SECONDS),
        connection: 'close',
      });
      response.end(
        JSON.stringify({
          code: 'ServiceUnavailable',
          message: this.draining
            ? 'the server is stopping; retry shortly'
            : 'the server is starting; retry shortly',
        }),
      );
      request.resume();
      return;
    }
    this.inFlight.add(response);
    response.once('close', () => {
      this.inFlight.delete(response);
      if (this.inFlight.size === 0) this.idle?.();
    });
    this.handler(request, response);
  };

  ready(handler: RequestListener): void {
    this.handler = handler;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Stops taking connections and requests; resolves when the requests under way are answered (or at the timeout). */
  async drain(server: Server, timeoutMs: number): Promise<void> {
    this.draining = true;
    server.close();
    server.closeIdleConnections();
    if (this.inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        this.idle = resolve;
        setTimeout(resolve, timeoutMs).unref();
      });
    }
    server.closeAllConnections();
  }
}
