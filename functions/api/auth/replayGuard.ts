/**
 * Remembers Hawk nonces so a captured request cannot be sent again. A nonce is kept until the
 * request's timestamp is stale (then Hawk's skew check refuses it anyway), so entries live at most
 * about twice the allowed skew. Bounded: expired entries are swept first; if it is still full the
 * oldest entries go (only possible under a flood of validly signed requests).
 */
export interface NonceClaims {
  /** False when `key` was already claimed and has not expired (a replay). */
  claim(key: string, expiresAtMs: number): Promise<boolean>;
}

export class MemoryNonceCache implements NonceClaims {
  private readonly entries = new Map<string, number>();
  private nextSweep = 0;

  constructor(
    private readonly maxEntries = 100_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async claim(key: string, expiresAtMs: number): Promise<boolean> {
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
