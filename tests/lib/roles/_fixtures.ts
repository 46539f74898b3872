/**
 * Small role caches for the roles tests.
 *
 * @module
 */
import type { CachedInstance, RoleCacheData } from "../../../lib/roles/cache_file.ts";
import type { SsoInstance } from "../../../lib/settings/settings.ts";

/** 2023-11-14T22:13:20Z. */
export const NOW = 1_700_000_000_000;
/** NOW in unix seconds. */
export const NOW_S = NOW / 1000;

export { recordingLogger } from "../../fakes/recording_logger.ts";

/** An instance with no overlays. */
export function plainInstance(name = "Default"): SsoInstance {
  return {
    name,
    startUrl: "https://d-1234567890.awsapps.com/start",
    ssoRegion: "us-east-1",
    defaultRegion: "eu-west-1",
    authUrlAction: "open",
    accounts: {},
  };
}

function role(account: string, name: string, alias: string, extra: Record<string, unknown> = {}) {
  return {
    arn: `arn:aws:iam::${account}:role/${name}`,
    tags: { AccountID: account, AccountAlias: alias, Email: `${alias}@example.com`, Role: name },
    ...extra,
  };
}

/** Three accounts, five roles; one with live credentials, one with an explicit profile. */
export function sampleSection(): CachedInstance {
  return {
    lastUpdate: NOW_S - 60,
    configHash: "",
    history: [],
    ssoRegion: "us-east-1",
    startUrl: "https://d-1234567890.awsapps.com/start",
    defaultRegion: "eu-west-1",
    accounts: {
      "012345678901": {
        alias: "production",
        name: "Prod",
        emailAddress: "production@example.com",
        tags: {},
        defaultRegion: "us-west-2",
        roles: {
          AdministratorAccess: role("012345678901", "AdministratorAccess", "production", {
            expires: NOW_S + 2 * 3600 + 5 * 60,
          }),
          ReadOnlyAccess: role("012345678901", "ReadOnlyAccess", "production", {
            expires: NOW_S - 10,
          }),
        },
      },
      "000001111111": {
        alias: "development",
        emailAddress: "development@example.com",
        tags: {},
        roles: {
          Developer: role("000001111111", "Developer", "development", {
            defaultRegion: "ap-southeast-2",
          }),
          AdministratorAccess: role("000001111111", "AdministratorAccess", "development", {
            profile: "dev-admin",
          }),
        },
      },
      "123456789012": {
        alias: "staging",
        emailAddress: "staging@example.com",
        tags: {},
        roles: {
          ReadOnlyAccess: role("123456789012", "ReadOnlyAccess", "staging", {
            expires: NOW_S + 40 * 60,
          }),
        },
      },
    },
  };
}

/** A cache holding {@link sampleSection} as instance `Default`. */
export function sampleCache(): RoleCacheData {
  return { version: 4, configCreatedAt: NOW_S - 60, sso: { Default: sampleSection() } };
}
