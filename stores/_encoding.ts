/**
 * Byte/text helpers shared by the stores (internal to stores/).
 *
 * @module
 */

const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Decodes UTF-8, replacing invalid sequences (for program output and messages). */
export function fromUtf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Decodes UTF-8 strictly; `undefined` when `bytes` is not valid UTF-8. */
export function fromUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Standard base64 (with padding). */
export function toBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}

/** Decodes standard base64; `undefined` when `text` is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return Uint8Array.fromBase64(text.trim(), { lastChunkHandling: "strict" });
  } catch {
    return undefined;
  }
}

/** Lower-case hex SHA-256 of `text`. */
export async function sha256Hex(text: string): Promise<string> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))).toHex();
}

/** Program stderr fit for an error message: trimmed, bounded, with `secret` (if any) masked. */
export function describeOutput(bytes: Uint8Array, secret?: string): string {
  let text = fromUtf8(bytes).trim();
  if (secret !== undefined && secret.length >= 4) text = text.split(secret).join("<redacted>");
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}
