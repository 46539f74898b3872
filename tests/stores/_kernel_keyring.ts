/**
 * Reading the real Linux kernel keyring in tests: whether it is usable here, and what it holds
 * for a description (with each key's expiry, as /proc/keys shows it).
 *
 * @module
 */
import { DenoCommandRunner } from "../../stores/command_runner.ts";

const runner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });

/** True on Linux with `keyctl` installed and a user keyring this process can use. */
export const keyctlUsable = Deno.build.os === "linux" && await runner.available("keyctl") &&
  (await runner.run("keyctl", ["show", "@u"])).code === 0;

/**
 * The /proc/keys lines of keys described `description`, split in columns:
 * serial flags usage expiry (`perm` when none) perm uid gid type description.
 */
export async function keyLines(description: string): Promise<string[][]> {
  return (await Deno.readTextFile("/proc/keys")).split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[8] === `${description}:`);
}

/** The serial of the `user` key `description` that `keyctl search @u` finds, if any. */
export async function userKeySerial(description: string): Promise<string | undefined> {
  const out = await runner.run("keyctl", ["search", "@u", "user", description]);
  return out.code === 0 ? new TextDecoder().decode(out.stdout).trim() : undefined;
}

/** Invalidates every `user` key `description` found from `@u` (test clean-up). */
export async function dropUserKey(description: string): Promise<void> {
  for (let serial = await userKeySerial(description); serial !== undefined;) {
    await runner.run("keyctl", ["invalidate", serial]);
    const next = await userKeySerial(description);
    if (next === serial) return;
    serial = next;
  }
}
