/**
 * Role cache benchmarks (issue 4):
 * - `list` over a cache of 10,000 roles (goal ≤ 150 ms, whole process);
 * - `cache` rediscovering 2,000 accounts × 2 roles from the emulator with 30 ms latency and 5 %
 *   throttling under default settings, with a valid SSO token already stored, so only discovery
 *   is timed (goal ≤ 5 s, zero failures).
 *
 * @module
 */
import { silentLogger } from "../../lib/logger.ts";
import { configHash, type RoleCacheData, serializeRoleCache } from "../../lib/roles/cache_file.ts";
import { type DiscoveredAccount, mergeInstanceCache } from "../../lib/roles/refresh.ts";
import { loadSettings } from "../../lib/settings/load_settings.ts";
import { startEmulator } from "../../tests/emulator/emulator.ts";
import { realDenoDir } from "../../tests/e2e/run_cli.ts";
import type { BenchScenario } from "../scenario.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const RUN = `${Deno.execPath()} run -A --quiet ${MAIN}`;
const EMPTY = new URL("../empty.ts", import.meta.url).pathname;
const WORDS = ["production", "staging", "development", "sandbox", "security", "logging"];
const ROLES = ["AdministratorAccess", "ReadOnlyAccess"];

interface World {
  home: string;
  configDir: string;
  env: Record<string, string>;
}

async function world(config: string): Promise<World> {
  const home = await Deno.makeTempDir({ prefix: "aws-sso-bench-" });
  const configDir = `${home}/.config/aws-sso`;
  await Deno.mkdir(configDir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(`${configDir}/config.yaml`, config);
  const env = {
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: realDenoDir(),
    NO_COLOR: "1",
    TZ: "UTC",
  };
  return { home, configDir, env };
}

/** Stores a signed-in SSO session for instance Default in the json store. */
async function storeToken(configDir: string, accessToken: string, lifetimeSec: number) {
  const expiresAt = new Date(Date.now() + lifetimeSec * 1000).toISOString();
  const doc = {
    CreateTokenResponse: {
      Default: { accessToken, expiresIn: lifetimeSec, expiresAt, tokenType: "Bearer" },
    },
  };
  await Deno.writeTextFile(`${configDir}/store.json`, JSON.stringify(doc), { mode: 0o600 });
}

/** A fresh (unexpired) cache of `accounts` × 2 roles, built the way a refresh builds it. */
async function bigCache(configText: string, configFile: string, accounts: number) {
  const { settings } = loadSettings(configText, {
    file: configFile,
    configDir: "/unused",
    home: "/unused",
    remoteSession: false,
  });
  const instance = settings.ssoConfig.Default!;
  const discovered: DiscoveredAccount[] = [];
  for (let n = 0; n < accounts; n++) {
    const alias = `${WORDS[n % WORDS.length]}-${String(n).padStart(4, "0")}`;
    discovered.push({
      accountId: String(100000000000 + n * 7919).padStart(12, "0"),
      accountName: alias,
      emailAddress: `aws+${alias}@example.com`,
      roles: ROLES,
    });
  }
  const now = Date.now();
  const { section } = mergeInstanceCache({
    instance,
    discovered,
    profileFormat: settings.profileFormat,
    configHash: await configHash(settings.profileFormat, instance),
    nowMs: now,
    logger: silentLogger,
  });
  // Some roles with live credentials, as after a day of use.
  let i = 0;
  for (const account of Object.values(section.accounts)) {
    if (i++ % 50 === 0) account.roles.AdministratorAccess!.expires = Math.floor(now / 1000) + 3000;
  }
  const cache: RoleCacheData = {
    version: 4,
    configCreatedAt: Math.floor(now / 1000) + 60,
    sso: { Default: section },
  };
  return serializeRoleCache(cache);
}

/** The scenarios of this file. */
export const scenarios: BenchScenario[] = [
  {
    name: "list over a cache of 10,000 roles",
    async setup() {
      const config = "SecureStore: json\nSSOConfig:\n  Default:\n" +
        "    SSORegion: us-east-1\n    StartUrl: https://example.awsapps.com/start\n";
      const w = await world(config);
      await Deno.writeTextFile(
        `${w.configDir}/cache.json`,
        await bigCache(config, `${w.configDir}/config.yaml`, 5_000),
      );
      await storeToken(w.configDir, "bench-token-not-used-for-list", 8 * 3600);
      return {
        commands: [
          { name: "empty deno run", command: `${Deno.execPath()} run -A --quiet ${EMPTY}` },
          { name: "version (start-up cost of the command graph)", command: `${RUN} version` },
          { name: "list (10,000 roles)", command: `${RUN} list`, goal: { maxMedianMs: 150 } },
          { name: "list --csv (10,000 roles)", command: `${RUN} list --csv` },
        ],
        env: w.env,
        baseline: "empty deno run",
        cleanup: () => Deno.remove(w.home, { recursive: true }),
      };
    },
  },
  {
    name: "cache over 2,000 accounts × 2 roles (30 ms latency, 5 % throttling)",
    async setup() {
      const emu = await startEmulator({
        accounts: 2_000,
        rolesPerAccount: 2,
        latencyMs: 30,
        throttleRate: 0.05,
        faultServices: ["portal"],
      });
      const config = "SecureStore: json\nSSOConfig:\n  Default:\n" +
        `    SSORegion: ${emu.region}\n    StartUrl: ${emu.startUrl}\n`;
      const w = await world(config);
      // Valid for the whole run: only discovery is timed, never a token refresh.
      await storeToken(w.configDir, emu.issueToken().accessToken, 3600);
      return {
        commands: [{
          name: "cache (2,000 accounts)",
          command: `${RUN} cache`,
          goal: { maxMedianMs: 5000 },
        }],
        runs: 10,
        env: { ...w.env, ...emu.env },
        async cleanup() {
          await emu.close();
          await Deno.remove(w.home, { recursive: true });
        },
      };
    },
  },
];
