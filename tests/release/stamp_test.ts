import assert from "node:assert/strict";
import {
  type BuildInfo,
  formatBuildInfo,
  resolveBuildInfo,
  type StampInputs,
  writeBuildInfo,
} from "../../.github/scripts/stamp.ts";
import { realDenoDir } from "../e2e/run_cli.ts";

const root = new URL("../../", import.meta.url);
const realBuildInfo = new URL("cli/build_info.json", root).pathname;
const stampScript = new URL(".github/scripts/stamp.ts", root).pathname;
const denoJsonVersion =
  (JSON.parse(await Deno.readTextFile(new URL("deno.json", root))) as { version: string }).version;

function inputs(overrides: Partial<StampInputs> = {}): StampInputs {
  return {
    env: {},
    denoJsonVersion: "1.2.3",
    gitCommit: () => "abc1234",
    now: new Date("2026-05-06T07:08:09.123Z"),
    ...overrides,
  };
}

Deno.test("resolveBuildInfo() takes deno.json's version, git's commit and now to the second", () => {
  assert.deepEqual(resolveBuildInfo(inputs()), {
    version: "1.2.3",
    commit: "abc1234",
    date: "2026-05-06T07:08:09Z",
  });
});

Deno.test("resolveBuildInfo() takes the version from a matching tag and the commit from GITHUB_SHA", () => {
  const env = { GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: "v1.2.3", GITHUB_SHA: "0123456789abcdef" };
  const info = resolveBuildInfo(inputs({ env, gitCommit: () => assert.fail("git not needed") }));
  assert.equal(info.version, "1.2.3");
  assert.equal(info.commit, "0123456");
});

Deno.test("resolveBuildInfo() refuses a tag that differs from deno.json's version", () => {
  const env = { GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: "v1.2.4" };
  assert.throws(
    () => resolveBuildInfo(inputs({ env })),
    /tag v1\.2\.4 does not match deno\.json version 1\.2\.3/,
  );
});

Deno.test("resolveBuildInfo() ignores a branch name and lets --version win over everything", () => {
  const branch = { GITHUB_REF_TYPE: "branch", GITHUB_REF_NAME: "v9.9.9" };
  assert.equal(resolveBuildInfo(inputs({ env: branch })).version, "1.2.3");
  const tag = { GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: "v1.2.4" };
  assert.equal(
    resolveBuildInfo(inputs({ env: tag, version: "v2.0.0-rc.1" })).version,
    "2.0.0-rc.1",
  );
  assert.throws(() => resolveBuildInfo(inputs({ version: "latest" })), /not a release version/);
});

Deno.test("resolveBuildInfo() says unknown when neither GITHUB_SHA nor git gives a commit", () => {
  assert.equal(resolveBuildInfo(inputs({ gitCommit: () => undefined })).commit, "unknown");
  assert.equal(resolveBuildInfo(inputs({ commit: "fedcba9" })).commit, "fedcba9");
  assert.throws(() => resolveBuildInfo(inputs({ commit: 'a"b' })), /not a commit id/);
});

Deno.test("resolveBuildInfo() dates from --date, else SOURCE_DATE_EPOCH, always in UTC", () => {
  const epoch = { SOURCE_DATE_EPOCH: "1700000000" };
  assert.equal(resolveBuildInfo(inputs({ env: epoch })).date, "2023-11-14T22:13:20Z");
  const flagged = inputs({ env: epoch, date: "2024-02-29T23:30:00+02:00" });
  assert.equal(resolveBuildInfo(flagged).date, "2024-02-29T21:30:00Z");
  assert.throws(() => resolveBuildInfo(inputs({ date: "yesterday" })), /not a date/);
  assert.throws(
    () => resolveBuildInfo(inputs({ env: { SOURCE_DATE_EPOCH: "-5" } })),
    /whole seconds/,
  );
});

Deno.test("writeBuildInfo() writes only when the content changes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-stamp-" });
  try {
    const file = `${dir}/build_info.json`;
    const info: BuildInfo = { version: "1.0.0", commit: "abc1234", date: "2026-01-01T00:00:00Z" };
    assert.equal(await writeBuildInfo(file, info), true);
    assert.equal(await Deno.readTextFile(file), formatBuildInfo(info));
    assert.equal(await writeBuildInfo(file, { ...info }), false);
    assert.equal(await writeBuildInfo(file, { ...info, commit: "def5678" }), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function runStamp(args: string[], env: Record<string, string> = {}) {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", stampScript, ...args],
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
  return {
    code: result.code,
    stdout: new TextDecoder().decode(result.stdout),
    stderr: new TextDecoder().decode(result.stderr),
  };
}

Deno.test("stamp.ts writes valid build info JSON and a second run changes nothing", async () => {
  const before = await Deno.readFile(realBuildInfo);
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-stamp-" });
  try {
    const copy = `${dir}/build_info.json`;
    await Deno.copyFile(realBuildInfo, copy);
    const args = ["--file", copy, "--commit", "abc1234", "--date", "2026-03-04T05:06:07Z"];
    const first = await runStamp(args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^stamped /);
    const text = await Deno.readTextFile(copy);
    assert.deepEqual(JSON.parse(text), {
      version: denoJsonVersion,
      commit: "abc1234",
      date: "2026-03-04T05:06:07Z",
    });
    const mtime = (await Deno.stat(copy)).mtime;

    const second = await runStamp(args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /^unchanged /);
    assert.equal(await Deno.readTextFile(copy), text);
    assert.deepEqual((await Deno.stat(copy)).mtime, mtime);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.deepEqual(await Deno.readFile(realBuildInfo), before, "cli/build_info.json was modified");
});

Deno.test("stamp.ts --print-version prints the version and writes nothing", async () => {
  const before = await Deno.readFile(realBuildInfo);
  const plain = await runStamp(["--print-version"]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, `${denoJsonVersion}\n`);
  const badTag = await runStamp(["--print-version"], {
    GITHUB_REF_TYPE: "tag",
    GITHUB_REF_NAME: `v${denoJsonVersion}9`,
  });
  assert.equal(badTag.code, 1);
  assert.equal(badTag.stdout, "");
  assert.match(badTag.stderr, /^stamp: tag v.* does not match deno\.json version/);
  assert.deepEqual(await Deno.readFile(realBuildInfo), before);
});

Deno.test("the committed cli/build_info.json is the unstamped development one", async () => {
  const info = JSON.parse(await Deno.readTextFile(realBuildInfo)) as BuildInfo;
  assert.deepEqual(
    info,
    { version: denoJsonVersion, commit: "dev", date: "dev" },
    'cli/build_info.json must hold deno.json\'s version and commit/date "dev" (stamped only in builds)',
  );
});
