/** What the fake API server saw of one request. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly watch: boolean;
  readonly authorization: string | undefined;
  /** Date.now() on arrival. */
  readonly at: number;
}

export interface RequestFilter {
  readonly path?: string;
  /** The HTTP method (`GET`, `PUT`...). */
  readonly method?: string;
  readonly watch?: boolean;
  /** true: only LIST requests for a later page (with a `continue` token); false: only the others. */
  readonly continue?: boolean;
}

export function matchesRequest(request: RecordedRequest, filter: RequestFilter): boolean {
  return (
    (filter.path === undefined || request.path === filter.path) &&
    (filter.method === undefined || request.method === filter.method) &&
    (filter.watch === undefined || request.watch === filter.watch) &&
    (filter.continue === undefined || ((request.query['continue'] ?? '') !== '') === filter.continue)
  );
}

export function isWatchQuery(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch === 'true' || watch === '1';
}

/** Every request in arrival order, with counting by path and by list/watch. */
export class RequestLog {
  private readonly entries: RecordedRequest[] = [];

  record(method: string, url: URL, authorization: string | undefined): RecordedRequest {
    const entry: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      watch: isWatchQuery(url.searchParams),
      authorization,
      at: Date.now(),
    };
    this.entries.push(entry);
    return entry;
  }

  all(filter: RequestFilter = {}): RecordedRequest[] {
    return this.entries.filter((e) => matchesRequest(e, filter));
  }

  count(filter: RequestFilter = {}): number {
    return this.all(filter).length;
  }

  last(filter: RequestFilter = {}): RecordedRequest | undefined {
    return this.all(filter).at(-1);
  }
}

/** How a matched request fails: the HTTP status, and the Retry-After seconds to send with it. */
export interface Failure {
  readonly code: number;
  readonly retryAfterSeconds?: number;
}

interface FailureRule {
  remaining: number;
  readonly failure: Failure;
  readonly filter: RequestFilter;
}

/** Makes the next N matching requests fail with an HTTP error Status. */
export class FailureInjector {
  private rules: FailureRule[] = [];

  failNext(count: number, failure: Failure, filter: RequestFilter): void {
    this.rules.push({ remaining: count, failure, filter });
  }

  /** How to fail this request, if a rule claims it. */
  take(request: RecordedRequest): Failure | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && matchesRequest(request, r.filter));
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule.failure;
  }

  clear(): void {
    this.rules = [];
  }
}
