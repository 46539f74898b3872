/**
 * The release targets and the archive naming shared by the compile, package and render scripts
 * and the release workflow: `aws-sso-<version>-<target>.tar.gz` (`.zip` for Windows).
 *
 * @module
 */

/** One `deno compile --target` triple the release ships. */
export interface ReleaseTarget {
  /** The Deno/Rust target triple, e.g. `aarch64-apple-darwin`. */
  triple: string;
  /** Operating system family. */
  os: "linux" | "darwin" | "windows";
  /** CPU architecture. */
  arch: "x86_64" | "aarch64";
  /** Archive format of the release asset. */
  archive: "tar.gz" | "zip";
  /** File name of the executable inside the archive. */
  binary: string;
}

/** Every target the release workflow builds, in the order it builds them. */
export const RELEASE_TARGETS: readonly ReleaseTarget[] = [
  unix("x86_64-unknown-linux-gnu", "linux", "x86_64"),
  unix("aarch64-unknown-linux-gnu", "linux", "aarch64"),
  unix("x86_64-apple-darwin", "darwin", "x86_64"),
  unix("aarch64-apple-darwin", "darwin", "aarch64"),
  {
    triple: "x86_64-pc-windows-msvc",
    os: "windows",
    arch: "x86_64",
    archive: "zip",
    binary: "aws-sso.exe",
  },
];

function unix(triple: string, os: "linux" | "darwin", arch: "x86_64" | "aarch64"): ReleaseTarget {
  return { triple, os, arch, archive: "tar.gz", binary: "aws-sso" };
}

/** The release target for a triple; throws for a triple the release does not ship. */
export function releaseTarget(triple: string): ReleaseTarget {
  const target = RELEASE_TARGETS.find((t) => t.triple === triple);
  if (target === undefined) {
    const known = RELEASE_TARGETS.map((t) => t.triple).join(", ");
    throw new Error(`unknown release target "${triple}" (known: ${known})`);
  }
  return target;
}

/** The archive file name of one target, e.g. `aws-sso-1.2.3-x86_64-apple-darwin.tar.gz`. */
export function archiveName(version: string, triple: string): string {
  const target = releaseTarget(triple);
  return `aws-sso-${version}-${target.triple}.${target.archive}`;
}

/** A release version: `1.2.3` or `1.2.3-rc.1` (no leading `v`). */
export const VERSION_PATTERN = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
