/**
 * AWS Signature Version 4 (header form) with WebCrypto, for the few signed calls aws-sso makes
 * (STS AssumeRole and GetCallerIdentity): no SDK import on the credential path.
 *
 * @module
 */

/** Credentials that sign a request. */
export interface SigningCredentials {
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
  /** Session token of temporary credentials. */
  sessionToken?: string;
}

/** A request to sign. */
export interface RequestToSign {
  /** HTTP method. */
  method: string;
  /** Full URL (its host, path and query are signed). */
  url: string;
  /** Headers to send and sign (names in any case). */
  headers: Record<string, string>;
  /** The exact body bytes. */
  body: Uint8Array;
  /** Service name in the credential scope, e.g. `sts`. */
  service: string;
  /** Region in the credential scope. */
  region: string;
  /** Signing time, epoch ms. */
  nowMs: number;
}

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
}

async function hmac(key: Uint8Array, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey(
    "raw",
    key as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, encoder.encode(data)));
}

/**
 * RFC 3986 encoding as SigV4 wants it: only unreserved characters stay as they are.
 *
 * @example
 * ```ts
 * sigv4Encode("a b*c"); // "a%20b%2Ac"
 * ```
 */
export function sigv4Encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function canonicalQuery(search: string): string {
  const pairs = search.replace(/^\?/, "").split("&").filter((p) => p !== "").map((p) => {
    const i = p.indexOf("=");
    const key = i < 0 ? p : p.slice(0, i);
    const value = i < 0 ? "" : p.slice(i + 1);
    return [sigv4Encode(decode(key)), sigv4Encode(decode(value))] as const;
  });
  pairs.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

function canonicalPath(pathname: string): string {
  // Services other than S3 encode each (already URL-encoded) segment once more.
  return pathname.split("/").map((s) => sigv4Encode(decode(s))).join("/") || "/";
}

/**
 * `YYYYMMDDTHHMMSSZ` for epoch ms.
 *
 * @example
 * ```ts
 * amzDate(Date.UTC(2024, 0, 2, 3, 4, 5)); // "20240102T030405Z"
 * ```
 */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/**
 * Returns the headers to send: the given ones plus `x-amz-date`, `x-amz-security-token`
 * (temporary credentials) and `authorization`. `host` is signed but not returned: fetch sets it.
 */
export async function signRequest(
  req: RequestToSign,
  creds: SigningCredentials,
): Promise<Record<string, string>> {
  const url = new URL(req.url);
  const stamp = amzDate(req.nowMs);
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  headers["host"] = url.host;
  headers["x-amz-date"] = stamp;
  if (creds.sessionToken !== undefined && creds.sessionToken !== "") {
    headers["x-amz-security-token"] = creds.sessionToken;
  }
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]!.trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(url.pathname),
    canonicalQuery(url.search),
    canonicalHeaders,
    signedHeaders,
    await sha256Hex(req.body),
  ].join("\n");
  const scope = `${day}/${req.region}/${req.service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    stamp,
    scope,
    await sha256Hex(encoder.encode(canonicalRequest)),
  ].join("\n");
  let key = await hmac(encoder.encode(`AWS4${creds.secretAccessKey}`), day);
  key = await hmac(key, req.region);
  key = await hmac(key, req.service);
  key = await hmac(key, "aws4_request");
  const signature = hex((await hmac(key, stringToSign)).buffer as ArrayBuffer);
  delete headers["host"];
  headers["authorization"] =
    `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
