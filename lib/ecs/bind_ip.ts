/**
 * The address the ECS server listens on (`ecs server --bind-ip`, `ecs docker start --bind-ip`):
 * a literal IPv4 or IPv6 address, or `localhost`. Checked before anything is created or printed,
 * so a typo is one usage error, not a stored token followed by a failure to listen.
 *
 * @module
 */

const IPV4 = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

/**
 * The address to listen on (IPv6 without brackets), or undefined when `text` is not a literal
 * IPv4 or IPv6 address or `localhost`.
 *
 * @example
 * ```ts
 * parseBindIp("127.0.0.1"); // "127.0.0.1"
 * parseBindIp("[::1]"); // "::1"
 * parseBindIp("example.com"); // undefined
 * ```
 */
export function parseBindIp(text: string): string | undefined {
  const t = text.trim();
  if (t.toLowerCase() === "localhost") return "localhost";
  if (IPV4.test(t)) return t.split(".").every((octet) => Number(octet) <= 255) ? t : undefined;
  const bare = t.startsWith("[") && t.endsWith("]") ? t.slice(1, -1) : t;
  // Hex digits, colons and an embedded IPv4 only; the URL parser then checks the grammar.
  if (!/^[0-9A-Fa-f:.]+$/.test(bare) || !bare.includes(":")) return undefined;
  try {
    new URL(`http://[${bare}]/`);
    return bare;
  } catch {
    return undefined;
  }
}
