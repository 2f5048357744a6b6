interface Bucket {
  tokens: number;
  at: number;
}

export interface TokenBucketOptions {
  /** Tokens a key starts with and can save up. */
  readonly burst: number;
  /** One token comes back per this many ms. */
  readonly refillMs: number;
  /** Keys remembered at most; the longest-unused are forgotten first (they come back full). */
  readonly maxKeys: number;
}

/** A token bucket per key (e.g. per regarding object), in bounded memory. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: TokenBucketOptions) {}

  /** Takes a token for `key` at time `now`; false when it has none left. */
  take(key: string, now: number): boolean {
    const { burst, refillMs } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    const tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) / refillMs);
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: tokens >= 1 ? tokens - 1 : tokens, at: now });
    if (this.buckets.size > this.options.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return tokens >= 1;
  }

  size(): number {
    return this.buckets.size;
  }
}
