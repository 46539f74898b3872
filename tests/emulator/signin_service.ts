/**
 * The console federation endpoint (`/federation`): `Action=getSigninToken` exchanges
 * credentials the emulator issued for a sign-in token, `Action=login` redirects to the console.
 *
 * @module
 */

import type { EmulatorState } from "./_state.ts";
import { base64Url, randomBytes } from "./_random.ts";
import { htmlPage, jsonResponse, redirect } from "./_wire.ts";

type FaultCheck = (service: "signin", operation: string) => Response | undefined;

// A sign-in token is valid for 15 minutes (IAM user guide, "custom identity broker").
const SIGNIN_TOKEN_LIFETIME_MS = 15 * 60_000;

function text(status: number, body: string): Response {
  return new Response(body + "\n", {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/** The emulated sign-in (federation) endpoint. */
export class SigninService {
  constructor(private readonly state: EmulatorState, private readonly fault: FaultCheck) {}

  /** True when the route is ours. */
  matches(req: Request, url: URL): boolean {
    return url.pathname === "/federation" && (req.method === "GET" || req.method === "POST");
  }

  /** Handles a federation request. */
  async handle(req: Request, url: URL): Promise<Response> {
    const params = new URLSearchParams(url.search);
    if (req.method === "POST") {
      for (const [k, v] of new URLSearchParams(await req.text())) params.set(k, v);
    }
    const action = params.get("Action");
    if (action === "getSigninToken") return this.#getSigninToken(params);
    if (action === "login") return this.#login(params);
    return text(400, "Unsupported Action");
  }

  #getSigninToken(params: URLSearchParams): Response {
    this.state.count("getSigninToken");
    const faulted = this.fault("signin", "getSigninToken");
    if (faulted) return faulted;
    let session: Record<string, unknown>;
    try {
      const parsed = JSON.parse(params.get("Session") ?? "");
      if (typeof parsed !== "object" || parsed === null) throw new Error("not an object");
      session = parsed;
    } catch {
      return text(400, "Bad Request: Session must be URL-encoded JSON");
    }
    const { sessionId, sessionKey, sessionToken } = session;
    if (
      typeof sessionId !== "string" || typeof sessionKey !== "string" ||
      typeof sessionToken !== "string"
    ) {
      return text(400, "Bad Request: Session needs sessionId, sessionKey and sessionToken");
    }
    const creds = this.state.credentials.get(sessionId);
    if (!creds || creds.secretAccessKey !== sessionKey || creds.sessionToken !== sessionToken) {
      return text(403, "Forbidden: the credentials in Session are invalid");
    }
    if (creds.expiresAtMs <= this.state.now()) {
      return text(403, "Forbidden: the credentials in Session have expired");
    }
    const durationText = params.get("SessionDuration");
    if (durationText !== null) {
      // AWS refuses SessionDuration for credentials from role chaining (aws-sso-cli #1205).
      if (creds.chained) {
        return text(
          400,
          "Bad Request: SessionDuration is not allowed with credentials from role chaining",
        );
      }
      const duration = /^\d+$/.test(durationText) ? Number(durationText) : NaN;
      if (!(duration >= 900 && duration <= 43200)) {
        return text(400, "Bad Request: SessionDuration must be between 900 and 43200");
      }
    }
    const token = this.state.secret(base64Url(randomBytes(300)));
    this.state.signinTokens.set(token, {
      accessKeyId: creds.accessKeyId,
      expiresAtMs: this.state.now() + SIGNIN_TOKEN_LIFETIME_MS,
    });
    return jsonResponse({ SigninToken: token });
  }

  #login(params: URLSearchParams): Response {
    this.state.count("login");
    const record = this.state.signinTokens.get(params.get("SigninToken") ?? "");
    if (!record || record.expiresAtMs <= this.state.now()) {
      return htmlPage(400, "Sign-in failed", "The sign-in token is invalid or has expired.");
    }
    const destination = params.get("Destination") ?? "";
    let target: URL;
    try {
      target = new URL(destination);
    } catch {
      return htmlPage(400, "Sign-in failed", "Destination must be an absolute URL.");
    }
    if (target.protocol !== "https:" && target.protocol !== "http:") {
      return htmlPage(400, "Sign-in failed", "Destination must be an http(s) URL.");
    }
    return redirect(target.toString());
  }
}
