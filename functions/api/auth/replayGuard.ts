/**
 * Remembers Hawk nonces (per client, with the request's timestamp) so a captured request cannot be
 * sent again. A nonce is kept until the request's timestamp is stale (Hawk's skew check refuses it
 * from then on), so entries live at most about twice the allowed skew.
 */
export interface NonceClaims {
  /** False when the client already used this nonce and it has not expired (a replay). */
  claim(clientId: string, nonce: string, expiresAtMs: number): Promise<boolean>;
}

/**
 * In memory, for one process (the local stack). Bounded: expired entries are swept first; if it is
 * still full the oldest entries go (only possible under a flood of validly signed requests).
 */
export class MemoryNonceCache implements NonceClaims {
  private readonly entries = new Map<string, number>();
  private nextSweep = 0;

  constructor(
    private readonly maxEntries = 100_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async claim(clientId: string, nonce: string, expiresAtMs: number): Promise<boolean> {
    const key = `${clientId}\u0000${nonce}`;
    const now = this.now();
    const seen = this.entries.get(key);
    if (seen !== undefined && seen > now) return false;
    if (this.entries.size >= this.maxEntries || now >= this.nextSweep) this.sweep(now);
    this.entries.set(key, expiresAtMs);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    this.nextSweep = now + 10_000;
    for (const [key, expires] of this.entries) if (expires <= now) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}

/**
 * Where several processes serve the API (Lambda containers): this process's memory first (a cheap
 * refusal), then a conditional write to the shared table, which every container sees.
 */
export function sharedNonceClaims(shared: {
  claimNonce(clientId: string, nonce: string, expiresAtSeconds: number): Promise<boolean>;
}): NonceClaims {
  const memory = new MemoryNonceCache();
  return {
    async claim(clientId, nonce, expiresAtMs) {
      if (!(await memory.claim(clientId, nonce, expiresAtMs))) return false;
      return shared.claimNonce(clientId, nonce, Math.ceil(expiresAtMs / 1000));
    },
  };
}
