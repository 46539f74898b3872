/**
 * The SHA256SUMS file of a release, in the format `sha256sum` writes and `sha256sum -c` /
 * `shasum -a 256 -c` read: one `<64 hex digits><two spaces><file name>` line per archive.
 *
 * @module
 */

/** Lowercase hex SHA-256 of `data`. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The file text for `sums` (file name → hex digest), sorted by file name. */
export function formatSha256Sums(sums: Map<string, string>): string {
  return [...sums.keys()].sort().map((name) => `${sums.get(name)}  ${name}\n`).join("");
}

/**
 * Parses a SHA256SUMS text into file name → lowercase hex digest. Accepts the text and binary
 * markers (`  name`, ` *name`) and blank lines; throws on anything else or on a name listed twice.
 */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const match = /^([0-9a-fA-F]{64}) [ *](\S(?:.*\S)?)$/.exec(line);
    if (match === null) {
      throw new Error(`SHA256SUMS line ${index + 1} is not "<sha256>  <file>": ${line}`);
    }
    const [, digest, name] = match as unknown as [string, string, string];
    if (sums.has(name)) throw new Error(`SHA256SUMS lists ${name} twice (line ${index + 1})`);
    sums.set(name, digest.toLowerCase());
  });
  return sums;
}
