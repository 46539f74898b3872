/**
 * The columns `list` can show, with their descriptions and table headers.
 *
 * @module
 */

/** A listable field. */
export interface ListField {
  /** Field name as typed on the command line and in ListFields. */
  name: string;
  /** Text for `list --list-fields`. */
  description: string;
  /** Column header in tables. */
  header: string;
}

/** Every field `list` accepts, in the reference's order. */
export const LIST_FIELDS: readonly ListField[] = [
  { name: "Id", description: "Column Index", header: "Id" },
  { name: "Arn", description: "AWS Role Resource Name", header: "Arn" },
  { name: "AccountId", description: "AWS AccountID (integer)", header: "AccountId" },
  { name: "AccountIdPad", description: "AWS AccountID (zero padded)", header: "AccountIdPad" },
  { name: "AccountName", description: "Configured Account Name", header: "AccountName" },
  { name: "AccountAlias", description: "AWS Account Alias", header: "AccountAlias" },
  { name: "DefaultRegion", description: "Default AWS Region", header: "DefaultRegion" },
  { name: "EmailAddress", description: "Root Email for AWS account", header: "EmailAddress" },
  { name: "Expires", description: "Time until STS creds expire", header: "Expires" },
  { name: "ExpiresEpoch", description: "Unix Epoch when STS creds expire", header: "ExpiresEpoch" },
  { name: "RoleName", description: "AWS Role Name", header: "RoleName" },
  { name: "SSO", description: "AWS SSO Instance Name", header: "SSO" },
  { name: "Via", description: "Role Chain Via", header: "Via" },
  { name: "Profile", description: "AWS_SSO_PROFILE / AWS_PROFILE", header: "Profile" },
];

/**
 * Field names of older releases (1.x docs, old `ListFields`) and their current names; `list`
 * arguments and `ListFields` accept them with a warning.
 *
 * @example
 * ```ts
 * DEPRECATED_LIST_FIELDS["ExpiresStr"]; // "Expires"
 * ```
 */
export const DEPRECATED_LIST_FIELDS: Readonly<Record<string, string>> = {
  ExpiresStr: "Expires",
  AccountIdStr: "AccountIdPad",
  ARN: "Arn",
};

/** Returns the field named `name`, or undefined. */
export function findListField(name: string): ListField | undefined {
  return LIST_FIELDS.find((f) => f.name === name);
}
