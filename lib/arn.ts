/**
 * Role ARNs: parsing user input (full ARN or `<account>:<RoleName>`) and rendering the
 * canonical `arn:aws:iam::<12 digits>:role/<RoleName>` form.
 *
 * @module
 */
import { normalizeAccountId } from "./account_id.ts";
import { AwsSsoError } from "./errors.ts";

/** A role identified by account and name. */
export interface RoleRef {
  /** 12-digit account id. */
  accountId: string;
  /** Role name, may contain `+=,.@_-` and `/`-free path-less characters. */
  roleName: string;
}

/** A string that is not a role ARN. */
export class InvalidArnError extends AwsSsoError {}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * Renders the canonical role ARN (partition `aws`, like the reference).
 *
 * @example
 * ```ts
 * roleArn("12345", "Admin"); // "arn:aws:iam::000000012345:role/Admin"
 * ```
 */
export function roleArn(accountId: string | number, roleName: string): string {
  return `arn:aws:iam::${normalizeAccountId(accountId)}:role/${roleName}`;
}

/**
 * Parses `arn:<partition>:iam::<account>:role/<name>` or the short `<account>:<name>`.
 *
 * @example
 * ```ts
 * parseRoleArn("000000011111:Foo"); // { accountId: "000000011111", roleName: "Foo" }
 * ```
 */
export function parseRoleArn(input: string): RoleRef {
  const parts = input.split(":");
  let account: string | undefined;
  let resource: string | undefined;
  if (parts.length === 6 && parts[0] === "arn" && parts[2] === "iam" && parts[3] === "") {
    account = parts[4];
    const res = parts[5] ?? "";
    if (!res.startsWith("role/")) throw invalidArn(input);
    resource = res.slice("role/".length);
  } else if (parts.length === 2) {
    account = parts[0];
    resource = parts[1];
  } else {
    throw invalidArn(input);
  }
  if (account === undefined || resource === undefined || !ROLE_NAME.test(resource)) {
    throw invalidArn(input);
  }
  try {
    return { accountId: normalizeAccountId(account), roleName: resource };
  } catch {
    throw invalidArn(input);
  }
}

function invalidArn(input: string): InvalidArnError {
  return new InvalidArnError(
    `invalid role ARN ${
      shown(input)
    }: expected arn:aws:iam::<account id>:role/<RoleName> or <account id>:<RoleName>`,
  );
}

/** User input as one short line for a message: control characters escaped, long text cut. */
function shown(input: string): string {
  let out = "";
  for (const c of input.length > 100 ? input.slice(0, 100) : input) {
    const code = c.charCodeAt(0);
    out += code < 0x20 ? JSON.stringify(c).slice(1, -1) : code === 0x7f ? "\\u007f" : c;
  }
  return `'${out}${input.length > 100 ? "..." : ""}'`;
}
