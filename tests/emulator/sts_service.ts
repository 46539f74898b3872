/**
 * STS (query protocol, API version 2011-06-15): GetCallerIdentity and AssumeRole, each
 * SigV4-verified against credentials the emulator issued.
 *
 * @module
 */

import type { EmulatorState, IssuedCredentials } from "./_state.ts";
import { verifySigV4 } from "./sigv4_verifier.ts";
import { stsError, stsResponse } from "./_wire.ts";

type FaultCheck = (service: "sts", operation: string) => Response | undefined;

const VERSION = "2011-06-15";
const NAME_PATTERN = /^[\w+=,.@-]+$/;
// Role chaining caps a session at one hour whatever the role allows (IAM user guide).
const CHAINED_MAX_SEC = 3600;
const ROLE_MAX_SEC = 3600;

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The assumed-role ARN for issued credentials. */
export function assumedRoleArn(creds: IssuedCredentials): string {
  return `arn:aws:sts::${creds.accountId}:assumed-role/${creds.iamRoleName}/${creds.sessionName}`;
}

/** The emulated STS. */
export class StsService {
  constructor(private readonly state: EmulatorState, private readonly fault: FaultCheck) {}

  /** True when `req` is an STS query-protocol request. */
  matches(req: Request, url: URL): boolean {
    if (url.pathname !== "/") return false;
    return req.method === "POST" || (req.method === "GET" && url.searchParams.has("Action"));
  }

  /** Handles an STS request. */
  async handle(req: Request, url: URL): Promise<Response> {
    const body = new Uint8Array(await req.arrayBuffer());
    const params = new URLSearchParams(url.search);
    if (req.method === "POST") {
      for (const [k, v] of new URLSearchParams(new TextDecoder().decode(body))) params.set(k, v);
    }
    const action = params.get("Action") ?? "";
    const known = action === "GetCallerIdentity" || action === "AssumeRole";
    this.state.count(known ? action : "sts:Unknown");
    const faulted = this.fault("sts", action);
    if (faulted) return faulted;
    if (!known || params.get("Version") !== VERSION) {
      return stsError(
        400,
        "InvalidAction",
        `Could not find operation ${action} for version ${
          params.get("Version") ?? "NO_VERSION_SPECIFIED"
        }`,
      );
    }
    const verified = verifySigV4(
      { method: req.method, url, headers: req.headers, body },
      "sts",
      this.state.now(),
      (id) => this.state.credentials.get(id),
    );
    if (!verified.ok) return stsError(verified.status, verified.code, verified.message);
    const caller = this.state.credentials.get(verified.accessKeyId)!;
    if (caller.expiresAtMs <= this.state.now()) {
      return stsError(403, "ExpiredToken", "The security token included in the request is expired");
    }
    if (action === "GetCallerIdentity") {
      return stsResponse("GetCallerIdentity", {
        Arn: assumedRoleArn(caller),
        UserId: `${caller.roleId}:${caller.sessionName}`,
        Account: caller.accountId,
      });
    }
    return this.#assumeRole(caller, params);
  }

  #assumeRole(caller: IssuedCredentials, params: URLSearchParams): Response {
    const roleArn = params.get("RoleArn") ?? "";
    const sessionName = params.get("RoleSessionName") ?? "";
    const durationText = params.get("DurationSeconds");
    const sourceIdentity = params.get("SourceIdentity") ?? undefined;
    const externalId = params.get("ExternalId");
    const errors: string[] = [];
    if (roleArn.length < 20) {
      errors.push(
        `Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`,
      );
    }
    if (sessionName.length < 2 || sessionName.length > 64 || !NAME_PATTERN.test(sessionName)) {
      errors.push(
        `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    let duration = ROLE_MAX_SEC;
    if (durationText !== null) {
      duration = /^\d+$/.test(durationText) ? Number(durationText) : NaN;
      if (!(duration >= 900)) {
        errors.push(
          `Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
        );
      } else if (duration > 43200) {
        errors.push(
          `Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
        );
      }
    }
    if (
      sourceIdentity !== undefined && !(sourceIdentity.length >= 2 &&
        sourceIdentity.length <= 64 && NAME_PATTERN.test(sourceIdentity))
    ) {
      errors.push(
        `Value '${sourceIdentity}' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    if (externalId !== null && (externalId.length < 2 || externalId.length > 1224)) {
      errors.push(
        `Value '${externalId}' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2`,
      );
    }
    if (errors.length > 0) {
      const n = errors.length;
      return stsError(
        400,
        "ValidationError",
        `${n} validation error${n > 1 ? "s" : ""} detected: ${errors.join("; ")}`,
      );
    }
    const m = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@\/-]*\/)?([\w+=,.@-]{1,64})$/.exec(roleArn);
    if (!m) return stsError(400, "ValidationError", `${roleArn} is invalid`);
    const [, accountId, roleName] = m as unknown as [string, string, string];
    if (!this.state.accountsById.has(accountId)) {
      return stsError(
        403,
        "AccessDenied",
        `User: ${
          assumedRoleArn(caller)
        } is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    // Every emulator caller holds role credentials, so every AssumeRole is role chaining.
    if (duration > CHAINED_MAX_SEC) {
      return stsError(
        400,
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
      );
    }
    const creds = this.state.issueCredentials(
      accountId,
      roleName,
      sessionName,
      duration,
      true,
      sourceIdentity ?? caller.sourceIdentity,
    );
    return stsResponse("AssumeRole", {
      Credentials: {
        AccessKeyId: creds.accessKeyId,
        SecretAccessKey: creds.secretAccessKey,
        SessionToken: creds.sessionToken,
        Expiration: isoSeconds(creds.expiresAtMs),
      },
      AssumedRoleUser: {
        AssumedRoleId: `${creds.roleId}:${sessionName}`,
        Arn: assumedRoleArn(creds),
      },
      SourceIdentity: creds.sourceIdentity,
    });
  }
}
