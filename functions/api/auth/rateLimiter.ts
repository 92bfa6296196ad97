/**
 * A token bucket per key (per client): `perSecond` requests a second on average, bursts up to
 * `burst`. In memory, so it limits one process — the local stack; the cloud relies on API Gateway
 * throttling. The number of buckets is bounded: idle (refilled) buckets are dropped first.
 */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 50, burst: 100 };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
    private readonly maxBuckets = 10_000,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1))
      throw new Error('a rate limit needs perSecond > 0 and burst >= 1');
  }

  /** Takes one token for `key`: undefined when allowed, else the whole seconds to wait. */
  take(key: string): number | undefined {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(
        this.limit.burst,
        bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond,
      );
      bucket.at = now;
      // Most recently used last, so the oldest entries are the idlest.
      this.buckets.delete(key);
    } else {
      this.evictIfFull(now);
      bucket = { tokens: this.limit.burst, at: now };
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond));
  }

  private evictIfFull(now: number): void {
    if (this.buckets.size < this.maxBuckets) return;
    for (const [key, bucket] of this.buckets) {
      const refilled = bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond >= this.limit.burst;
      if (refilled || this.buckets.size >= this.maxBuckets) this.buckets.delete(key);
      if (this.buckets.size < this.maxBuckets * 0.9) break;
    }
  }
}
