/**
 * The emulator's HTTP control API under `/_emulator/`, so a test or the demo can drive an
 * emulator running in another process:
 *
 * | request | effect |
 * |---|---|
 * | `GET /_emulator/counters` | `{"<operation>": n, ...}` |
 * | `POST /_emulator/counters/reset` | counters back to zero |
 * | `GET /_emulator/pending` | `{"userCodes": ["ABCD-EFGH", ...]}` |
 * | `POST /_emulator/approve?user_code=X` / `deny?user_code=X` | decide a device login (404 if not pending) |
 * | `POST /_emulator/browser` `{"decision": "approve"\|"deny"\|"ignore"}` | what browser visits do |
 * | `POST /_emulator/revoke` | end every sign-in session |
 * | `POST /_emulator/expire-access-tokens` | every access token expires now |
 * | `GET /_emulator/faults`, `POST /_emulator/faults` `{throttleRate?, serverErrorRate?, latencyMs?, clockSkewMs?}` | read/change faults |
 * | `POST /_emulator/issue-token` | {@link Emulator.issueToken} |
 * | `GET /_emulator/accounts` | the directory |
 * | `GET /_emulator/env` | the `AWS_ENDPOINT_URL_*` map |
 * | `GET /_emulator/issued-secrets` | every secret handed out (leak tests) |
 *
 * @module
 */

import type { Emulator } from "./emulator.ts";
import type { EmulatorState, FaultSettings } from "./_state.ts";

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function done(): Response {
  return new Response(null, { status: 204 });
}

function rate(v: unknown): number | undefined {
  return typeof v === "number" && v >= 0 && v <= 1 ? v : undefined;
}

function finite(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

async function readObject(req: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const v = JSON.parse(await req.text());
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Handles a `/_emulator/...` request. */
export async function handleControl(
  emu: Emulator,
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  const route = `${req.method} ${url.pathname.replace(/\/$/, "")}`;
  switch (route) {
    case "GET /_emulator/counters":
      return json(emu.counters);
    case "POST /_emulator/counters/reset":
      emu.resetCounters();
      return done();
    case "GET /_emulator/pending":
      return json({ userCodes: emu.pendingUserCodes() });
    case "POST /_emulator/approve":
    case "POST /_emulator/deny": {
      const userCode = url.searchParams.get("user_code") ?? "";
      try {
        if (route.endsWith("approve")) emu.approveDevice(userCode);
        else emu.denyDevice(userCode);
      } catch {
        return json({ message: "no pending device authorization with this user code" }, 404);
      }
      return done();
    }
    case "POST /_emulator/browser": {
      const body = await readObject(req);
      const decision = body?.["decision"];
      if (decision !== "approve" && decision !== "deny" && decision !== "ignore") {
        return json({ message: 'decision must be "approve", "deny" or "ignore"' }, 400);
      }
      emu.setBrowserDecision(decision);
      return done();
    }
    case "POST /_emulator/revoke":
      emu.revokeTokens();
      return done();
    case "POST /_emulator/expire-access-tokens":
      emu.expireAccessTokens();
      return done();
    case "GET /_emulator/faults":
      return json(state.faults());
    case "POST /_emulator/faults": {
      const body = await readObject(req);
      if (!body) return json({ message: "body must be a JSON object" }, 400);
      const f: FaultSettings = {
        throttleRate: rate(body["throttleRate"]),
        serverErrorRate: rate(body["serverErrorRate"]),
        latencyMs: finite(body["latencyMs"]),
        clockSkewMs: finite(body["clockSkewMs"]),
      };
      emu.setFaults(f);
      return json(state.faults());
    }
    case "POST /_emulator/issue-token":
      return json(emu.issueToken());
    case "GET /_emulator/accounts":
      return json(emu.accounts());
    case "GET /_emulator/env":
      return json(emu.env);
    case "GET /_emulator/issued-secrets":
      return json(emu.issuedSecrets());
  }
  await req.body?.cancel();
  return json({ message: "unknown control endpoint" }, 404);
}
