/**
 * Bounded reads of HTTP response bodies: a body over {@link MAX_RESPONSE_BYTES} or one that
 * sends nothing for {@link READ_TIMEOUT_MS} is abandoned with a {@link NetworkError} (which the
 * retry policy of lib/aws/retry.ts treats as transient), so a broken proxy or a hostile
 * endpoint can neither fill memory nor hold a credential_process call forever.
 *
 * @module
 */
import { NetworkError } from "./errors.ts";

/** The largest response body read: far above any AWS answer aws-sso asks for (16 MiB). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** The longest wait for the next chunk of a response body, ms. */
export const READ_TIMEOUT_MS = 30_000;

/** Limits of {@link readResponseText}. */
export interface BodyLimits {
  /** Largest body in bytes (default {@link MAX_RESPONSE_BYTES}). */
  maxBytes?: number;
  /** Longest wait for the next chunk in ms (default {@link READ_TIMEOUT_MS}). */
  readTimeoutMs?: number;
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/**
 * The body of `response` as UTF-8 text, read within `limits`. Throws {@link NetworkError} with
 * a one-line reason that never quotes the request ("the response is larger than 16 MB", "the
 * response stalled: no data for 30 s", "the response was cut off"; the underlying error is the
 * cause) for the caller to prefix with the operation.
 */
export async function readResponseText(
  response: Response,
  limits: BodyLimits = {},
): Promise<string> {
  const maxBytes = limits.maxBytes ?? MAX_RESPONSE_BYTES;
  const readTimeoutMs = limits.readTimeoutMs ?? READ_TIMEOUT_MS;
  const tooLarge = () =>
    new NetworkError(`the response is larger than ${megabytes(maxBytes)}`, {
      status: response.status,
    });
  const declared = Number(response.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new NetworkError(`the response stalled: no data for ${seconds(readTimeoutMs)}`, {
                status: response.status,
              }),
            ),
          readTimeoutMs,
        );
      });
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await Promise.race([reader.read(), stalled]);
      } finally {
        clearTimeout(timer);
      }
      if (chunk.done) break;
      total += chunk.value.byteLength;
      if (total > maxBytes) throw tooLarge();
      chunks.push(chunk.value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    if (e instanceof NetworkError) throw e;
    // The connection dropped or the request's own timeout fired while the body arrived.
    const reason = e instanceof DOMException && e.name === "TimeoutError"
      ? "the request timed out"
      : "the response was cut off";
    throw new NetworkError(reason, { status: response.status }, { cause: e });
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
