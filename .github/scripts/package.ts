/**
 * Packs the compiled binaries into the release archives and writes SHA256SUMS.
 *
 *   deno run -A .github/scripts/package.ts --version 1.2.3 [--dist dist] [--out dist/release]
 *
 * Reads `<dist>/<target>/aws-sso` (`aws-sso.exe` on Windows) for every release target, as
 * `deno task compile --target <target> --output <dist>/<target>/aws-sso` leaves them, and writes
 * `<out>/aws-sso-<version>-<target>.tar.gz|zip` (the binary and README.md) and `<out>/SHA256SUMS`.
 * Entries are dated `SOURCE_DATE_EPOCH` when set, else now.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type ArchiveEntry, createTarGz, createZip } from "./archive.ts";
import { formatSha256Sums, sha256Hex } from "./sha256sums.ts";
import { archiveName, RELEASE_TARGETS, VERSION_PATTERN } from "./targets.ts";

/** Inputs of {@link packageRelease}. */
export interface PackageOptions {
  /** Release version without the `v`. */
  version: string;
  /** Folder holding one `<target>/` folder per compiled target. */
  dist: string;
  /** Folder the archives and SHA256SUMS go to (created if missing). */
  out: string;
  /** The README.md to ship beside the binary. */
  readme: string;
  /** Modification time of every archive entry. */
  mtime: Date;
}

/** Writes every archive and SHA256SUMS; resolves to the archive names, in target order. */
export async function packageRelease(options: PackageOptions): Promise<string[]> {
  if (!VERSION_PATTERN.test(options.version)) {
    throw new Error(`"${options.version}" is not a release version (expected e.g. 1.2.3)`);
  }
  const missing: string[] = [];
  for (const target of RELEASE_TARGETS) {
    const path = `${options.dist}/${target.triple}/${target.binary}`;
    if (!(await exists(path))) missing.push(path);
  }
  if (missing.length > 0) {
    throw new Error(
      `missing compiled binaries: ${missing.join(", ")} ` +
        `(run deno task compile --target <target> --output ${options.dist}/<target>/aws-sso)`,
    );
  }
  const readme = await Deno.readFile(options.readme);
  await Deno.mkdir(options.out, { recursive: true });
  const sums = new Map<string, string>();
  const names: string[] = [];
  for (const target of RELEASE_TARGETS) {
    const binary = await Deno.readFile(`${options.dist}/${target.triple}/${target.binary}`);
    const entries: ArchiveEntry[] = [
      { name: target.binary, data: binary, mode: 0o755 },
      { name: "README.md", data: readme, mode: 0o644 },
    ];
    const archive = target.archive === "zip"
      ? await createZip(entries, options.mtime)
      : await createTarGz(entries, options.mtime);
    const name = archiveName(options.version, target.triple);
    await Deno.writeFile(`${options.out}/${name}`, archive);
    sums.set(name, await sha256Hex(archive));
    names.push(name);
  }
  await Deno.writeTextFile(`${options.out}/SHA256SUMS`, formatSha256Sums(sums));
  return names;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      version: { type: "string" },
      dist: { type: "string", default: "dist" },
      out: { type: "string", default: "dist/release" },
      readme: {
        type: "string",
        default: fileURLToPath(new URL("../../README.md", import.meta.url)),
      },
    },
    strict: true,
  });
  if (values.version === undefined) throw new Error("--version is required");
  const epoch = Deno.env.get("SOURCE_DATE_EPOCH");
  const mtime = epoch ? new Date(Number(epoch) * 1000) : new Date();
  if (Number.isNaN(mtime.getTime())) throw new Error(`SOURCE_DATE_EPOCH "${epoch}" is not a time`);
  const names = await packageRelease({
    version: values.version.replace(/^v/, ""),
    dist: values.dist,
    out: values.out,
    readme: values.readme,
    mtime,
  });
  const lines = [...names, "SHA256SUMS"].map((n) => `wrote ${values.out}/${n}\n`).join("");
  Deno.stderr.writeSync(new TextEncoder().encode(lines));
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (e) {
    Deno.stderr.writeSync(new TextEncoder().encode(`package: ${(e as Error).message}\n`));
    Deno.exit(1);
  }
}
