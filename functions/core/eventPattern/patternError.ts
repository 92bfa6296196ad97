/** An invalid pattern; `path` is dotted with `[i]` indexes, e.g. `detail.state[0]`. */
export class EventPatternError extends Error {
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(path === '' ? reason : `${path}: ${reason}`);
    this.name = 'EventPatternError';
    this.path = path;
    this.reason = reason;
  }
}
