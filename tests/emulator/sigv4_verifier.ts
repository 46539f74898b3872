/**
 * Server-side AWS Signature Version 4 verification (header form), as AWS services do it:
 * rebuild the canonical request from what arrived, sign it with the caller's secret, compare.
 *
 * @module
 */

import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** What the verifier needs to know about a caller's credentials. */
export interface SigningCredentials {
  secretAccessKey: string;
  sessionToken?: string;
}

/** A verification failure in AWS's own terms. */
export interface SigV4Failure {
  ok: false;
  status: number;
  code: string;
  message: string;
}

/** A verified request. */
export interface SigV4Success {
  ok: true;
  accessKeyId: string;
}

/** The request parts that were signed. */
export interface SignedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array;
}

const FIFTEEN_MIN_MS = 15 * 60_000;

function fail(status: number, code: string, message: string): SigV4Failure {
  return { ok: false, status, code, message };
}

/** RFC 3986 encoding as SigV4 wants it (only unreserved characters stay as they are). */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function canonicalQuery(search: string): string {
  if (search === "" || search === "?") return "";
  const pairs = search.replace(/^\?/, "").split("&").filter((p) => p !== "").map((p) => {
    const i = p.indexOf("=");
    const key = i < 0 ? p : p.slice(0, i);
    const value = i < 0 ? "" : p.slice(i + 1);
    return [uriEncode(safeDecode(key)), uriEncode(safeDecode(value))] as const;
  });
  pairs.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

function canonicalPath(pathname: string): string {
  // Non-S3 services encode each (already encoded) path segment once more.
  return pathname.split("/").map((segment) => uriEncode(segment)).join("/") || "/";
}

function parseAmzDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/** Formats epoch ms as `YYYYMMDDTHHMMSSZ`. */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function hmac(key: string | Uint8Array, data: string): Uint8Array {
  return createHmac("sha256", key).update(data).digest();
}

/**
 * Verifies the SigV4 `Authorization` header of `req` for `service`, with the emulator's clock at
 * `nowMs` and the caller's credentials looked up by access key id.
 */
export function verifySigV4(
  req: SignedRequest,
  service: string,
  nowMs: number,
  lookup: (accessKeyId: string) => SigningCredentials | undefined,
): SigV4Success | SigV4Failure {
  const auth = req.headers.get("authorization");
  if (!auth) {
    return fail(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
  }
  const m = /^(\S+)\s+(.*)$/.exec(auth.trim());
  if (!m || m[1] !== "AWS4-HMAC-SHA256") {
    return fail(400, "IncompleteSignature", "Unsupported AWS 'algorithm'");
  }
  const fields = new Map<string, string>();
  for (const part of m[2]!.split(",")) {
    const i = part.indexOf("=");
    if (i > 0) fields.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const credential = fields.get("Credential");
  const signedHeadersText = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !signedHeadersText || !signature) {
    return fail(
      400,
      "IncompleteSignature",
      "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.",
    );
  }
  const scopeParts = credential.split("/");
  if (scopeParts.length !== 5) {
    return fail(
      400,
      "IncompleteSignature",
      "Credential must have exactly 5 slash-delimited elements",
    );
  }
  const [accessKeyId, scopeDate, region, scopeService, terminator] = scopeParts as [
    string,
    string,
    string,
    string,
    string,
  ];
  const xAmzDate = req.headers.get("x-amz-date");
  const dateHeader = req.headers.get("date");
  const requestMs = xAmzDate !== null
    ? parseAmzDate(xAmzDate)
    : dateHeader !== null
    ? Date.parse(dateHeader)
    : undefined;
  if (requestMs === undefined || Number.isNaN(requestMs)) {
    return fail(
      400,
      "IncompleteSignature",
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const requestStamp = amzDate(requestMs);
  if (requestMs < nowMs - FIFTEEN_MIN_MS) {
    return fail(
      403,
      "SignatureDoesNotMatch",
      `Signature expired: ${requestStamp} is now earlier than ${amzDate(nowMs - FIFTEEN_MIN_MS)} (${
        amzDate(nowMs)
      } - 15 min.)`,
    );
  }
  if (requestMs > nowMs + FIFTEEN_MIN_MS) {
    return fail(
      403,
      "SignatureDoesNotMatch",
      `Signature not yet current: ${requestStamp} is still later than ${
        amzDate(nowMs + FIFTEEN_MIN_MS)
      } (${amzDate(nowMs)} + 15 min.)`,
    );
  }
  if (scopeService !== service) {
    return fail(
      403,
      "SignatureDoesNotMatch",
      `Credential should be scoped to correct service: '${service}'. `,
    );
  }
  if (terminator !== "aws4_request") {
    return fail(
      403,
      "SignatureDoesNotMatch",
      "Credential should be scoped with a valid terminator: 'aws4_request'",
    );
  }
  if (scopeDate !== requestStamp.slice(0, 8)) {
    return fail(
      403,
      "SignatureDoesNotMatch",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${
        requestStamp.slice(0, 8)
      }', from '${requestStamp}'.`,
    );
  }
  const creds = lookup(accessKeyId);
  const token = req.headers.get("x-amz-security-token") ?? undefined;
  if (!creds || creds.sessionToken !== token) {
    return fail(
      403,
      "InvalidClientTokenId",
      "The security token included in the request is invalid.",
    );
  }
  const signedHeaders = signedHeadersText.split(";");
  if (!signedHeaders.includes("host")) {
    return fail(
      403,
      "SignatureDoesNotMatch",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  let canonicalHeaders = "";
  for (const name of signedHeaders) {
    const value = req.headers.get(name) ?? "";
    canonicalHeaders += `${name}:${value.trim().replace(/\s+/g, " ")}\n`;
  }
  const payloadHash = createHash("sha256").update(req.body).digest("hex");
  const canonicalRequest = [
    req.method,
    canonicalPath(req.url.pathname),
    canonicalQuery(req.url.search),
    canonicalHeaders,
    signedHeadersText,
    payloadHash,
  ].join("\n");
  const scope = `${scopeDate}/${region}/${scopeService}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    xAmzDate ?? requestStamp,
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  let key = hmac(`AWS4${creds.secretAccessKey}`, scopeDate);
  key = hmac(key, region);
  key = hmac(key, scopeService);
  key = hmac(key, "aws4_request");
  const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
  const given = new TextEncoder().encode(signature);
  const want = new TextEncoder().encode(expected);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    return fail(
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. " +
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return { ok: true, accessKeyId };
}
