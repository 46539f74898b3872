/**
 * Response shapes of the emulated AWS wire protocols: REST-JSON (SSO OIDC, SSO portal), the
 * query protocol's XML (STS), and plain pages (browser endpoints, console sign-in).
 *
 * @module
 */

/** The STS XML namespace for API version 2011-06-15. */
export const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** A fresh request id in the UUID form AWS uses. */
export function requestId(): string {
  return crypto.randomUUID();
}

/** A REST-JSON success response. */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId() },
  });
}

/**
 * A REST-JSON error: the exception name in `x-amzn-ErrorType` (which the SDKs read first) and
 * the service's own body fields.
 */
export function restJsonError(
  status: number,
  errorType: string,
  body: Record<string, string | null>,
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json",
      "x-amzn-errortype": errorType,
      "x-amzn-requestid": requestId(),
    },
  });
}

const OAUTH_ERROR_CODES: Record<string, string> = {
  AccessDeniedException: "access_denied",
  AuthorizationPendingException: "authorization_pending",
  ExpiredTokenException: "expired_token",
  InternalServerException: "server_error",
  InvalidClientException: "invalid_client",
  InvalidClientMetadataException: "invalid_client_metadata",
  InvalidGrantException: "invalid_grant",
  InvalidRedirectUriException: "invalid_redirect_uri",
  InvalidRequestException: "invalid_request",
  InvalidScopeException: "invalid_scope",
  SlowDownException: "slow_down",
  UnauthorizedClientException: "unauthorized_client",
  UnsupportedGrantTypeException: "unsupported_grant_type",
};

/**
 * An SSO OIDC error: `{"error": "<oauth code>", "error_description": "..."}`, status 401 for
 * InvalidClientException, 500 for InternalServerException, else 400 (as the service model says).
 */
export function oidcError(errorType: string, description: string, status?: number): Response {
  const code = OAUTH_ERROR_CODES[errorType] ?? errorType;
  const httpStatus = status ??
    (errorType === "InvalidClientException"
      ? 401
      : errorType === "InternalServerException"
      ? 500
      : 400);
  return restJsonError(httpStatus, errorType, { error: code, error_description: description });
}

/** An SSO portal error: `{"message": "..."}` with the exception in the header. */
export function portalError(status: number, errorType: string, message: string): Response {
  return restJsonError(status, errorType, { message });
}

/** Escapes text for an XML element. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** Renders `{Tag: value | nested}` as XML elements (undefined values are left out). */
export function xmlElements(fields: Record<string, unknown>): string {
  let out = "";
  for (const [tag, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value === "object" && value !== null) {
      out += `<${tag}>${xmlElements(value as Record<string, unknown>)}</${tag}>`;
    } else {
      out += `<${tag}>${xmlEscape(String(value))}</${tag}>`;
    }
  }
  return out;
}

/** An STS query-protocol success: `<{Action}Response><{Action}Result>...`. */
export function stsResponse(action: string, result: Record<string, unknown>): Response {
  const id = requestId();
  const xml = `<${action}Response xmlns="${STS_NAMESPACE}">\n` +
    `  <${action}Result>${xmlElements(result)}</${action}Result>\n` +
    `  <ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata>\n` +
    `</${action}Response>\n`;
  return new Response(xml, {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": id },
  });
}

/** An STS `<ErrorResponse>` with Type Sender (4xx) or Receiver (5xx). */
export function stsError(status: number, code: string, message: string): Response {
  const id = requestId();
  const type = status >= 500 ? "Receiver" : "Sender";
  const xml = `<ErrorResponse xmlns="${STS_NAMESPACE}">\n` +
    `  <Error>\n    <Type>${type}</Type>\n    <Code>${xmlEscape(code)}</Code>\n` +
    `    <Message>${xmlEscape(message)}</Message>\n  </Error>\n` +
    `  <RequestId>${id}</RequestId>\n</ErrorResponse>\n`;
  return new Response(xml, {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": id },
  });
}

/** A minimal HTML page (what a browser would show). */
export function htmlPage(status: number, title: string, text: string): Response {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${xmlEscape(title)}` +
    `</title></head><body><h1>${xmlEscape(title)}</h1><p>${xmlEscape(text)}</p></body></html>\n`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

/** A 302 redirect. */
export function redirect(location: string): Response {
  return new Response(null, { status: 302, headers: { location } });
}
