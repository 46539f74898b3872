import assert from "node:assert/strict";
import {
  DEFAULT_REPOSITORY,
  renderPackages,
  renderTemplate,
  TEMPLATES,
} from "../../.github/scripts/render_packages.ts";
import { parseSha256Sums } from "../../.github/scripts/sha256sums.ts";
import { archiveName, RELEASE_TARGETS } from "../../.github/scripts/targets.ts";
import { realDenoDir } from "../e2e/run_cli.ts";

const root = new URL("../../", import.meta.url);
const samplePath = new URL("tests/testdata/release/SHA256SUMS", root).pathname;
const sampleSums = parseSha256Sums(await Deno.readTextFile(samplePath));
const templates = {
  formula: await Deno.readTextFile(new URL(TEMPLATES.formula, root)),
  manifest: await Deno.readTextFile(new URL(TEMPLATES.manifest, root)),
};
const VERSION = "1.2.3";

function render(sums = sampleSums, repo = "example-org/aws-sso") {
  return renderPackages({ version: VERSION, repo, sums, templates });
}

function assetUrl(repo: string, triple: string): string {
  return `https://github.com/${repo}/releases/download/v${VERSION}/${archiveName(VERSION, triple)}`;
}

interface FormulaBlock {
  os: string;
  arch: string;
  url: string;
  sha256: string;
}

/** The `on_<os> do / on_<arch> do / url / sha256` blocks of a formula. */
function formulaBlocks(formula: string): FormulaBlock[] {
  const blocks: FormulaBlock[] = [];
  const osBlocks = formula.matchAll(/^ {2}on_(macos|linux) do\n([\s\S]*?)^ {2}end$/gm);
  for (const [, os, body] of osBlocks) {
    const archBlocks = body!.matchAll(
      /^ {4}on_(arm|intel) do\n {6}url "([^"]+)"\n {6}sha256 "([^"]+)"\n {4}end$/gm,
    );
    for (const [, arch, url, sha256] of archBlocks) {
      blocks.push({ os: os!, arch: arch!, url: url!, sha256: sha256! });
    }
  }
  return blocks;
}

Deno.test("the sample SHA256SUMS lists an archive for every release target", () => {
  for (const target of RELEASE_TARGETS) {
    assert.ok(sampleSums.has(archiveName(VERSION, target.triple)), target.triple);
  }
});

Deno.test("the scoop manifest parses as JSON and points at the Windows zip and its checksum", () => {
  const manifest = JSON.parse(render().manifest);
  const zip = archiveName(VERSION, "x86_64-pc-windows-msvc");
  assert.equal(manifest.version, VERSION);
  assert.equal(manifest.homepage, "https://github.com/example-org/aws-sso");
  assert.equal(manifest.bin, "aws-sso.exe");
  assert.equal(
    manifest.architecture["64bit"].url,
    assetUrl("example-org/aws-sso", "x86_64-pc-windows-msvc"),
  );
  assert.equal(manifest.architecture["64bit"].hash, sampleSums.get(zip));
  assert.match(manifest.architecture["64bit"].hash, /^[0-9a-f]{64}$/);
});

Deno.test("the scoop autoupdate URL pattern gives this release's URL for this version", () => {
  const manifest = JSON.parse(render().manifest);
  const pattern: string = manifest.autoupdate.architecture["64bit"].url;
  assert.ok(pattern.includes("$version"), pattern);
  assert.equal(
    pattern.replaceAll("$version", VERSION),
    manifest.architecture["64bit"].url,
  );
  assert.equal(manifest.autoupdate.hash.url, "$baseurl/SHA256SUMS");
  assert.equal(manifest.checkver.github, "https://github.com/example-org/aws-sso");
});

Deno.test("the Homebrew formula has one url and sha256 block per macOS and Linux target", () => {
  const { formula } = render();
  assert.match(formula, /^class AwsSso < Formula$/m);
  assert.match(formula, new RegExp(`^ {2}version "${VERSION.replaceAll(".", "\\.")}"$`, "m"));
  const expected: Record<string, string> = {
    "macos/arm": "aarch64-apple-darwin",
    "macos/intel": "x86_64-apple-darwin",
    "linux/arm": "aarch64-unknown-linux-gnu",
    "linux/intel": "x86_64-unknown-linux-gnu",
  };
  const blocks = formulaBlocks(formula);
  assert.deepEqual(blocks.map((b) => `${b.os}/${b.arch}`).sort(), Object.keys(expected).sort());
  for (const block of blocks) {
    const triple = expected[`${block.os}/${block.arch}`]!;
    assert.equal(block.url, assetUrl("example-org/aws-sso", triple));
    assert.equal(block.sha256, sampleSums.get(archiveName(VERSION, triple)));
  }
});

Deno.test("every non-Windows release target appears in the formula, the Windows one in scoop", () => {
  const { formula, manifest } = render();
  for (const target of RELEASE_TARGETS) {
    const inFormula = formula.includes(archiveName(VERSION, target.triple));
    const inManifest = manifest.includes(archiveName(VERSION, target.triple));
    assert.equal(inFormula, target.os !== "windows", `${target.triple} in the formula`);
    assert.equal(inManifest, target.os === "windows", `${target.triple} in the manifest`);
  }
});

Deno.test("renderPackages() names the archive whose checksum SHA256SUMS lacks", () => {
  const sums = new Map(sampleSums);
  sums.delete(archiveName(VERSION, "aarch64-apple-darwin"));
  assert.throws(
    () => render(sums),
    (e: Error) =>
      e.message.includes("aws-sso-1.2.3-aarch64-apple-darwin.tar.gz") &&
      e.message.includes("Homebrew formula") && !e.message.includes("x86_64-apple-darwin"),
  );
});

Deno.test("renderPackages() fails when the sums are for another version", () => {
  assert.throws(
    () =>
      renderPackages({ version: "1.2.4", repo: DEFAULT_REPOSITORY, sums: sampleSums, templates }),
    /no checksum for aws-sso-1\.2\.4-/,
  );
});

Deno.test("renderPackages() rejects a version with a v, and a repository that is not owner/name", () => {
  assert.throws(
    () =>
      renderPackages({ version: "v1.2.3", repo: DEFAULT_REPOSITORY, sums: sampleSums, templates }),
    /not a release version/,
  );
  assert.throws(() => render(sampleSums, "aws-sso"), /not a GitHub owner\/name/);
  assert.throws(() => render(sampleSums, 'evil/"repo'), /not a GitHub owner\/name/);
});

Deno.test("renderTemplate() rejects unknown and malformed placeholders", () => {
  const value = (name: string) => (name === "version" ? "1.0.0" : undefined);
  assert.equal(renderTemplate("v{{version}} {{ version }}", "t", value), "v1.0.0 1.0.0");
  assert.throws(
    () => renderTemplate("{{nope}}", "t", value),
    /unknown placeholder \{\{nope\}\} in t/,
  );
  assert.throws(
    () => renderTemplate("a\n{{version", "t", value),
    /malformed placeholder in t, line 2/,
  );
});

Deno.test("a template naming a target the release does not build is an error", () => {
  assert.throws(
    () =>
      renderPackages({
        version: VERSION,
        repo: DEFAULT_REPOSITORY,
        sums: sampleSums,
        templates: { ...templates, formula: 'url "{{url riscv64-unknown-linux-gnu}}"' },
      }),
    /unknown release target "riscv64-unknown-linux-gnu"/,
  );
});

Deno.test("parseSha256Sums() reads text and binary markers and rejects junk and duplicates", () => {
  const a = "a".repeat(64);
  const b = "B".repeat(64);
  const sums = parseSha256Sums(`${a}  one.tar.gz\n${b} *two.zip\n\n`);
  assert.deepEqual([...sums], [["one.tar.gz", a], ["two.zip", "b".repeat(64)]]);
  assert.throws(() => parseSha256Sums(`${a}  one\nnot a line\n`), /line 2 is not/);
  assert.throws(() => parseSha256Sums(`${a}  one\n${b}  one\n`), /lists one twice/);
});

async function runRender(args: string[], env: Record<string, string>) {
  const out = await Deno.makeTempDir({ prefix: "aws-sso-render-" });
  try {
    const script = new URL(".github/scripts/render_packages.ts", root).pathname;
    const result = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        script,
        "--version",
        "v1.2.3",
        "--sums",
        samplePath,
        "--out",
        out,
        ...args,
      ],
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? "",
        DENO_DIR: realDenoDir(),
        NO_COLOR: "1",
        ...env,
      },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(result.stderr);
    assert.equal(result.code, 0, stderr);
    const manifest = JSON.parse(await Deno.readTextFile(`${out}/aws-sso.json`));
    const formula = await Deno.readTextFile(`${out}/aws-sso.rb`);
    return { manifest, formula };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

Deno.test("the render script takes the repository from --repo, else GITHUB_REPOSITORY, else the default", async () => {
  const byDefault = await runRender([], {});
  assert.equal(byDefault.manifest.homepage, `https://github.com/${DEFAULT_REPOSITORY}`);
  assert.ok(byDefault.formula.includes(assetUrl(DEFAULT_REPOSITORY, "x86_64-apple-darwin")));

  const fromEnv = await runRender([], { GITHUB_REPOSITORY: "env-org/env-repo" });
  assert.equal(
    fromEnv.manifest.architecture["64bit"].url,
    assetUrl("env-org/env-repo", "x86_64-pc-windows-msvc"),
  );

  const fromFlag = await runRender(["--repo", "flag-org/flag-repo"], {
    GITHUB_REPOSITORY: "env-org/env-repo",
  });
  assert.equal(fromFlag.manifest.homepage, "https://github.com/flag-org/flag-repo");
  assert.ok(!fromFlag.formula.includes("env-org"));
});
