/**
 * The `~/.aws/credentials` text `aws-sso credentials` writes: one section per
 * profile with the expiry as a comment, each preceded by an empty line, and a final empty line.
 *
 * @module
 */
import { AwsSsoError } from "../errors.ts";
import { formatRfc3339 } from "../time_format.ts";

/** One profile's credentials. */
export interface IniProfile {
  /** Section name. */
  profile: string;
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
  /** Session token. */
  sessionToken: string;
  /** Expiry, epoch ms. */
  expiration: number;
  /** Local UTC offset at the expiry, minutes east. */
  tzOffsetMinutes: number;
}

/**
 * Renders the profiles as INI. Throws AwsSsoError for a profile name an INI section cannot hold.
 *
 * @example
 * ```ts
 * formatCredentialsIni([{ profile: "p", accessKeyId: "AK", secretAccessKey: "SK",
 *   sessionToken: "ST", expiration: 0, tzOffsetMinutes: 0 }]);
 * // "\n[p]\n# Expires: 1970-01-01T00:00:00Z\naws_access_key_id = AK\n...\n\n"
 * ```
 */
export function formatCredentialsIni(profiles: readonly IniProfile[]): string {
  let out = "";
  for (const p of profiles) {
    if (p.profile === "" || /[\[\]\r\n]/.test(p.profile)) {
      throw new AwsSsoError(`cannot write the profile name '${p.profile}' as an INI section`);
    }
    out += `\n[${p.profile}]\n` +
      `# Expires: ${formatRfc3339(p.expiration, p.tzOffsetMinutes)}\n` +
      `aws_access_key_id = ${p.accessKeyId}\n` +
      `aws_secret_access_key = ${p.secretAccessKey}\n` +
      `aws_session_token = ${p.sessionToken}\n`;
  }
  return out + "\n";
}
