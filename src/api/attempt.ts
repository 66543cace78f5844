/**
 * One attempt of a request to Avala: sent with the key, read to MAX_BODY_BYTES
 * at most, and redacted of the key as it arrives; or the network failure that
 * kept it from an answer. What it means, and whether to try again, is http.ts's.
 */
import { describeNetworkFailure, MAX_BODY_BYTES, type ResponseOrFailure, readBody } from './decode.ts';
import type { FetchLike } from './http-types.ts';
import { redactSecret } from './text.ts';

export async function fetchOnce(
  o: { fetch: FetchLike; userAgent: string; apiKey: string; timeoutMs: number },
  method: string,
  url: URL,
  body: string | undefined,
): Promise<ResponseOrFailure> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'User-Agent': o.userAgent,
    'X-Avala-Api-Key': o.apiKey,
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // A response that echoes the key must not carry it into a log line, an error message or an output.
  const redact = <T extends string | null>(text: T): T => (text === null ? text : redactSecret(text, o.apiKey)) as T;
  try {
    const response = await o.fetch(url.href, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: 'manual',
      // Covers the body as well as the headers: a server that trickles its response times out too.
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    // Reading the whole body, even of an error, frees the connection for the next request.
    const text = await readBody(response, MAX_BODY_BYTES);
    // undici hands the socket back to its pool a tick after the body ends; without this
    // yield the next request of a loop finds it busy and opens a second connection.
    await new Promise(setImmediate);
    // Redacted on arrival, before any of it can be logged, shortened, reported or handed on.
    // Headers too: a Location or Content-Type that echoes the key reaches messages.
    const get = (name: string) => redact(response.headers.get(name));
    return { status: response.status, headers: { get }, text: text && redact(text) };
  } catch (error) {
    return { failure: describeNetworkFailure(error) };
  }
}
