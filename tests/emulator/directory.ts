/**
 * The emulator's Identity Center directory: which accounts the signed-in user sees and which
 * permission sets (roles) they hold in each. Generated deterministically unless given.
 *
 * @module
 */

import { SeededRandom } from "./_random.ts";

/** One account assignment as the portal API reports it, plus the user's roles in it. */
export interface DirectoryAccount {
  accountId: string;
  accountName: string;
  emailAddress: string;
  roles: string[];
}

const ROLE_NAMES = [
  "AdministratorAccess",
  "ReadOnlyAccess",
  "Developer",
  "PowerUserAccess",
  "SecurityAudit",
  "Billing",
  "ViewOnlyAccess",
  "DatabaseAdministrator",
  "NetworkAdministrator",
  "SupportUser",
];

// The first ids are fixed so tests can name them: one with a leading zero (YAML turns an
// unquoted 012345678901 into a number) and one with five leading zeros.
const FIXED_IDS = ["012345678901", "123456789012", "000001111111"];
const FIXED_NAMES = ["production", "staging", "development"];
const NAME_WORDS = [
  "sandbox",
  "security",
  "logging",
  "shared-services",
  "networking",
  "audit",
  "data",
  "analytics",
  "billing",
  "workloads",
];

/** Role names the generator hands out, in order (more than ten get `CustomRole<n>`). */
export function generatedRoleNames(count: number): string[] {
  const roles: string[] = [];
  for (let i = 0; i < count; i++) roles.push(ROLE_NAMES[i] ?? `CustomRole${i + 1}`);
  return roles;
}

/**
 * Builds `accounts` accounts with `rolesPerAccount` roles each; the same arguments always give
 * the same directory.
 */
export function generateDirectory(accounts: number, rolesPerAccount: number): DirectoryAccount[] {
  const rng = new SeededRandom(0x5eed);
  const seen = new Set<string>();
  const roles = generatedRoleNames(rolesPerAccount);
  const out: DirectoryAccount[] = [];
  for (let i = 0; i < accounts; i++) {
    let accountId = FIXED_IDS[i];
    while (accountId === undefined || seen.has(accountId)) {
      accountId = String(rng.int(1e6)).padStart(6, "0") + String(rng.int(1e6)).padStart(6, "0");
    }
    seen.add(accountId);
    const accountName = FIXED_NAMES[i] ??
      `${NAME_WORDS[i % NAME_WORDS.length]}-${String(i).padStart(4, "0")}`;
    out.push({
      accountId,
      accountName,
      emailAddress: `aws+${accountName}@example.com`,
      roles: [...roles],
    });
  }
  return out;
}
