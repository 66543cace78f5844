/** The shapes the HTTP client takes and gives. */
/** The part of the Fetch API the client uses: the global fetch, or undici's when proxying. */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    redirect: 'manual';
    signal: AbortSignal;
  },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
}>;

export interface Logger {
  info(message: string): void;
  /** Absent when debug lines are not shown: they are then not even built. */
  debug?: ((message: string) => void) | undefined;
}

/** One attempt, as the job summary lists it. */
export interface RequestRecord {
  method: string;
  path: string;
  status: number | string;
  ms: number;
  attempt: number;
}

export interface HttpOptions {
  baseUrl: URL;
  apiKey: string;
  userAgent: string;
  timeoutMs: number;
  retries: number;
  log: Logger;
  fetch?: FetchLike;
  /** Refuse every request but GET: the dry-run guarantee, enforced where requests leave. */
  readOnly?: boolean;
  onRequest?: (record: RequestRecord) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * What a check after an attempt of unknown outcome found: it took effect (`done`),
 * it surely did not (`retry`), or the check cannot tell (`unknown`: give up).
 */
export type Recovery<T> = { done: T } | 'retry' | 'unknown';

export interface SendOptions<T> {
  method: 'GET' | 'POST';
  url: URL;
  body?: unknown;
  /** Checks the response's shape; throws an Error saying what is wrong. */
  parse: (json: unknown) => T;
  /** One of many alike (an upload's targets): its line goes to debug, the caller logs the progress. */
  quiet?: boolean;
  /**
   * For a request that changes state: finds out whether an attempt whose outcome
   * is unknown took effect. Without it, such a request is never sent again.
   */
  recover?: () => Promise<Recovery<T>>;
}
