import assert from "node:assert/strict";
import { crc32, createTarGz, createZip } from "../../.github/scripts/archive.ts";
import { packageRelease } from "../../.github/scripts/package.ts";
import { renderPackages, TEMPLATES } from "../../.github/scripts/render_packages.ts";
import { parseSha256Sums, sha256Hex } from "../../.github/scripts/sha256sums.ts";
import { archiveName, RELEASE_TARGETS } from "../../.github/scripts/targets.ts";

const root = new URL("../../", import.meta.url);
const mtime = new Date("2026-04-05T06:07:08Z");
const encoder = new TextEncoder();

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  // TZ: tar lists modification times in local time.
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env: { TZ: "UTC" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${cmd} ${args.join(" ")}: ${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

/** A dist/ folder with a fake binary per target, each with distinct content. */
async function fakeDist(): Promise<{ dir: string; binaries: Map<string, Uint8Array> }> {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-package-" });
  const binaries = new Map<string, Uint8Array>();
  for (const target of RELEASE_TARGETS) {
    await Deno.mkdir(`${dir}/dist/${target.triple}`, { recursive: true });
    // Larger than one tar block and compressible, with a byte pattern per target.
    const data = encoder.encode(`#!binary ${target.triple}\n`.repeat(300));
    await Deno.writeFile(`${dir}/dist/${target.triple}/${target.binary}`, data, { mode: 0o755 });
    binaries.set(target.triple, data);
  }
  await Deno.writeTextFile(`${dir}/README.md`, "# aws-sso\n\nread me\n");
  return { dir, binaries };
}

function options(dir: string) {
  return {
    version: "1.2.3",
    dist: `${dir}/dist`,
    out: `${dir}/release`,
    readme: `${dir}/README.md`,
    mtime,
  };
}

Deno.test("crc32() gives the standard check value", () => {
  assert.equal(crc32(encoder.encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

Deno.test("packageRelease() writes one archive per target and a SHA256SUMS that sha256sum accepts", async () => {
  const { dir } = await fakeDist();
  try {
    const names = await packageRelease(options(dir));
    assert.deepEqual(names, RELEASE_TARGETS.map((t) => archiveName("1.2.3", t.triple)));
    const listed = [...Deno.readDirSync(`${dir}/release`)].map((e) => e.name).sort();
    assert.deepEqual(listed, [...names, "SHA256SUMS"].sort());
    const sums = parseSha256Sums(await Deno.readTextFile(`${dir}/release/SHA256SUMS`));
    for (const name of names) {
      assert.equal(sums.get(name), await sha256Hex(await Deno.readFile(`${dir}/release/${name}`)));
    }
    const check = await run("sha256sum", ["-c", "SHA256SUMS"], `${dir}/release`);
    assert.equal(check.trim().split("\n").filter((l) => l.endsWith(": OK")).length, names.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the tarballs unpack with tar to the executable binary and README.md", async () => {
  const { dir, binaries } = await fakeDist();
  try {
    await packageRelease(options(dir));
    for (const target of RELEASE_TARGETS.filter((t) => t.archive === "tar.gz")) {
      const into = `${dir}/unpacked-${target.triple}`;
      await Deno.mkdir(into);
      const archive = `${dir}/release/${archiveName("1.2.3", target.triple)}`;
      const listing = await run("tar", ["-tzvf", archive], dir);
      assert.match(listing, /^-rwxr-xr-x root\/root .* 2026-04-05 06:07 aws-sso$/m);
      assert.match(listing, /^-rw-r--r-- root\/root .* README\.md$/m);
      await run("tar", ["-xzf", archive, "-C", into], dir);
      assert.deepEqual(await Deno.readFile(`${into}/aws-sso`), binaries.get(target.triple));
      assert.equal((await Deno.stat(`${into}/aws-sso`)).mode! & 0o777, 0o755);
      assert.equal(await Deno.readTextFile(`${into}/README.md`), "# aws-sso\n\nread me\n");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the Windows zip unpacks (Python's zipfile) to aws-sso.exe and README.md", async () => {
  const { dir, binaries } = await fakeDist();
  try {
    await packageRelease(options(dir));
    const zip = `${dir}/release/${archiveName("1.2.3", "x86_64-pc-windows-msvc")}`;
    const script = [
      "import sys, zipfile",
      "z = zipfile.ZipFile(sys.argv[1])",
      "assert z.testzip() is None",
      "for i in z.infolist(): print(i.filename, oct(i.external_attr >> 16), i.date_time, i.compress_type)",
      "z.extractall(sys.argv[2])",
    ].join("\n");
    const listing = await run("python3", ["-c", script, zip, `${dir}/unzipped`], dir);
    assert.equal(
      listing,
      "aws-sso.exe 0o100755 (2026, 4, 5, 6, 7, 8) 8\nREADME.md 0o100644 (2026, 4, 5, 6, 7, 8) 8\n",
    );
    assert.deepEqual(
      await Deno.readFile(`${dir}/unzipped/aws-sso.exe`),
      binaries.get("x86_64-pc-windows-msvc"),
    );
    assert.equal(await Deno.readTextFile(`${dir}/unzipped/README.md`), "# aws-sso\n\nread me\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("archives are byte-for-byte reproducible for the same inputs and date", async () => {
  const entries = [{ name: "aws-sso", data: encoder.encode("x".repeat(1000)), mode: 0o755 }];
  assert.deepEqual(await createTarGz(entries, mtime), await createTarGz(entries, mtime));
  assert.deepEqual(await createZip(entries, mtime), await createZip(entries, mtime));
  const later = new Date(mtime.getTime() + 60_000);
  assert.notDeepEqual(await createZip(entries, mtime), await createZip(entries, later));
});

Deno.test("archive entries with a path-escaping name are refused", async () => {
  for (const name of ["../aws-sso", "/etc/passwd", "a/../../b"]) {
    const entries = [{ name, data: new Uint8Array(1), mode: 0o644 }];
    await assert.rejects(createTarGz(entries, mtime), /unsafe archive entry name/);
    await assert.rejects(createZip(entries, mtime), /unsafe archive entry name/);
  }
});

Deno.test("packageRelease() lists every missing compiled binary and writes nothing", async () => {
  const { dir } = await fakeDist();
  try {
    await Deno.remove(`${dir}/dist/aarch64-apple-darwin/aws-sso`);
    await Deno.remove(`${dir}/dist/x86_64-pc-windows-msvc/aws-sso.exe`);
    await assert.rejects(
      packageRelease(options(dir)),
      (e: Error) =>
        e.message.includes("aarch64-apple-darwin/aws-sso") &&
        e.message.includes("x86_64-pc-windows-msvc/aws-sso.exe") &&
        !e.message.includes("x86_64-apple-darwin/aws-sso,"),
    );
    await assert.rejects(Deno.stat(`${dir}/release`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the packaged SHA256SUMS renders a formula and manifest with the archives' real checksums", async () => {
  const { dir } = await fakeDist();
  try {
    await packageRelease(options(dir));
    const rendered = renderPackages({
      version: "1.2.3",
      repo: "example-org/aws-sso",
      sums: parseSha256Sums(await Deno.readTextFile(`${dir}/release/SHA256SUMS`)),
      templates: {
        formula: await Deno.readTextFile(new URL(TEMPLATES.formula, root)),
        manifest: await Deno.readTextFile(new URL(TEMPLATES.manifest, root)),
      },
    });
    const zip = await Deno.readFile(`${dir}/release/aws-sso-1.2.3-x86_64-pc-windows-msvc.zip`);
    assert.equal(JSON.parse(rendered.manifest).architecture["64bit"].hash, await sha256Hex(zip));
    const tarball = await Deno.readFile(`${dir}/release/aws-sso-1.2.3-aarch64-apple-darwin.tar.gz`);
    assert.ok(rendered.formula.includes(`sha256 "${await sha256Hex(tarball)}"`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
