import type { FetchLike } from './http.ts';

/** The hosts a URL may reach over plain http: this machine's (base-url, and an upload target on it). */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The variables that make requests go through a proxy, as undici's EnvHttpProxyAgent reads them. */
export const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

/**
 * The fetch to send requests with. Node's own fetch (undici, built into the
 * runtime, one keep-alive pool per origin) serves when no proxy is set; the
 * undici package, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY, is
 * loaded only when one is, since loading it costs more start-up time than a
 * whole request.
 */
export async function createFetch(env: NodeJS.ProcessEnv = process.env): Promise<FetchLike> {
  if (!PROXY_VARIABLES.some((name) => env[name])) return globalThis.fetch as FetchLike;
  const { EnvHttpProxyAgent, fetch } = await import('undici');
  const dispatcher = new EnvHttpProxyAgent();
  return (url, init) => fetch(url, { ...init, dispatcher });
}
