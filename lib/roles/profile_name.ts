/**
 * Profile names (docs/design.md §3): a role's explicit `Profile` wins; otherwise config
 * `ProfileFormat`, a Go text/template, is rendered over the role's flat record (the empty format
 * means `{{ .AccountIdPad }}:{{ .RoleName }}`). Names must be unique within an instance.
 *
 * @module
 */
import { AwsSsoError, errorMessage } from "../errors.ts";
import { EMPTY_PROFILE_FORMAT } from "../settings/settings.ts";
import { goStruct, parseTemplate, profileTemplateFunctions } from "../go_template/mod.ts";
import type { RoleTemplateData } from "./role.ts";

/** ProfileFormat does not parse or fails on a role. */
export class ProfileFormatError extends AwsSsoError {}

/** Two roles of one instance got the same profile name. */
export class DuplicateProfileError extends AwsSsoError {
  /** The name both roles got. */
  readonly profile: string;
  /** The ARNs that share it. */
  readonly arns: string[];

  /** Creates the error with the reference's message. */
  constructor(profile: string, arns: string[]) {
    super(`duplicate profile name '${profile}' for:\n${arns.map((a) => `- ${a}`).join("\n")}`, {
      hints: [
        "give one of the roles an explicit Profile in config.yaml, or change ProfileFormat so names differ",
      ],
    });
    this.profile = profile;
    this.arns = arns;
  }
}

/** The error's message on one line (the user sees one line, never a stack). */
function firstLine(e: unknown): string {
  return (errorMessage(e)).split("\n")[0]!.trim();
}

const FIX_HINT = "fix ProfileFormat in config.yaml (a Go text/template, single-quoted in YAML)";

/** A compiled ProfileFormat. */
export interface ProfileNamer {
  /** The role's profile name: its explicit Profile, else the rendered template. */
  profileName(role: RoleTemplateData): string;
}

/**
 * Compiles `format` once for many roles; throws {@link ProfileFormatError} (with the template
 * position) when it does not parse.
 *
 * @example
 * ```ts
 * import type { RoleTemplateData } from "./role.ts";
 * declare const role: RoleTemplateData; // account 012345678901, role Admin
 * compileProfileFormat("{{ .AccountIdPad }}:{{ .RoleName }}").profileName(role); // "012345678901:Admin"
 * ```
 */
export function compileProfileFormat(format: string): ProfileNamer {
  const source = format === "" ? EMPTY_PROFILE_FORMAT : format;
  let template: ReturnType<typeof parseTemplate>;
  try {
    template = parseTemplate(source, { functions: profileTemplateFunctions });
  } catch (e) {
    throw new ProfileFormatError(
      `unable to generate ProfileName: ${firstLine(e)}`,
      { hints: [FIX_HINT], cause: e },
    );
  }
  return {
    profileName(role) {
      if (role.Profile !== "") return role.Profile;
      try {
        // As a struct, a misspelt field fails the way it does in Go instead of printing nothing.
        return template.execute(goStruct(role, "*sso.AWSRoleFlat"));
      } catch (e) {
        throw new ProfileFormatError(
          `unable to generate ProfileName for ${role.Arn}: ${firstLine(e)}`,
          { hints: [FIX_HINT], cause: e },
        );
      }
    },
  };
}

/**
 * {@link compileProfileFormat} for callers that go on without names when the format fails (as the
 * reference does: `list` still lists): the namer, or the error that says why there is none.
 *
 * @example
 * ```ts
 * compileProfileFormatOrError("{{ .AccountName ").error?.message; // "unable to generate ..."
 * ```
 */
export function compileProfileFormatOrError(
  format: string,
): { namer: ProfileNamer; error?: undefined } | { namer?: undefined; error: ProfileFormatError } {
  try {
    return { namer: compileProfileFormat(format) };
  } catch (e) {
    if (!(e instanceof ProfileFormatError)) throw e;
    return { error: e };
  }
}

/**
 * Throws {@link DuplicateProfileError} for the first profile name shared by two roles.
 *
 * @example
 * ```ts
 * assertUniqueProfileNames([{ ProfileName: "a", Arn: "arn:1" }, { ProfileName: "a", Arn: "arn:2" }]);
 * // DuplicateProfileError: duplicate profile name 'a' for:\n- arn:1\n- arn:2
 * ```
 */
export function assertUniqueProfileNames(
  roles: Iterable<{ ProfileName: string; Arn: string }>,
): void {
  const seen = new Map<string, string>();
  for (const r of roles) {
    const first = seen.get(r.ProfileName);
    if (first !== undefined) throw new DuplicateProfileError(r.ProfileName, [first, r.Arn]);
    seen.set(r.ProfileName, r.Arn);
  }
}
