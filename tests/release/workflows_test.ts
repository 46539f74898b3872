/**
 * The GitHub workflows cannot run here; this holds what can be checked without GitHub: they are
 * valid YAML, every `deno task` and script they call exists, the release builds exactly the
 * targets the packaging scripts know, and CI mirrors what .ci/run installs and runs.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { RELEASE_TARGETS } from "../../.github/scripts/targets.ts";

const root = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, root));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  "runs-on": string;
  needs?: string | string[];
  if?: string;
  strategy?: { matrix: Record<string, unknown> & { include?: Record<string, string>[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const ci = parse(await read(".github/workflows/ci.yml")) as Workflow;
const release = parse(await read(".github/workflows/release.yml")) as Workflow;
const tasks = Object.keys((JSON.parse(await read("deno.json")) as { tasks: object }).tasks);
const ciRun = await read(".ci/run");

function steps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((job) => job.steps);
}

function scripts(workflow: Workflow): string {
  return steps(workflow).map((s) => s.run ?? "").join("\n");
}

for (const [name, workflow] of [["ci.yml", ci], ["release.yml", release]] as const) {
  Deno.test(`${name} parses, and every step either uses an action or runs a script`, () => {
    assert.ok(Object.keys(workflow.jobs).length > 0);
    for (const step of steps(workflow)) {
      assert.ok((step.uses === undefined) !== (step.run === undefined), JSON.stringify(step));
    }
  });

  Deno.test(`every deno task ${name} calls exists in deno.json`, () => {
    const called = [...scripts(workflow).matchAll(/\bdeno task ([\w:-]+)/g)].map((m) => m[1]!);
    assert.ok(called.length > 0, "no deno task found");
    for (const task of called) assert.ok(tasks.includes(task), `deno task ${task}`);
  });

  Deno.test(`every script ${name} runs is in the repository`, async () => {
    for (const [path] of scripts(workflow).matchAll(/\.github\/scripts\/[\w.-]+\.ts/g)) {
      assert.ok((await Deno.stat(new URL(path, root))).isFile, path);
    }
  });

  Deno.test(`${name} pins Deno to the version .ci/run installs`, () => {
    const pinned = /^DENO_VERSION=(\S+)$/m.exec(ciRun)?.[1];
    assert.equal(workflow.env?.DENO_VERSION, pinned);
    const setups = steps(workflow).filter((s) => s.uses?.startsWith("denoland/setup-deno@"));
    assert.ok(setups.length > 0);
    for (const s of setups) assert.equal(s.with?.["deno-version"], "${{ env.DENO_VERSION }}");
  });
}

Deno.test("ci.yml runs on push and pull requests on Linux, macOS and Windows", () => {
  assert.ok("push" in ci.on && "pull_request" in ci.on);
  const os = ci.jobs.test!.strategy!.matrix.os as string[];
  for (const family of ["ubuntu", "macos", "windows"]) {
    assert.ok(os.some((o) => o.startsWith(family)), family);
  }
});

Deno.test("ci.yml runs the checks and the tests the way .ci/run does", () => {
  const run = scripts(ci);
  assert.match(run, /deno install --frozen/);
  assert.match(run, /deno task check/);
  assert.match(
    run,
    /dbus-run-session -- sh -c '[\s\S]*gnome-keyring-daemon --unlock[\s\S]*deno task test/,
  );
  const ciPackages = /packages=\(([^)]*)\)/.exec(ciRun)![1]!.split(/\s+/).filter(Boolean);
  assert.ok(ciPackages.length > 5);
  for (const p of ciPackages) assert.match(run, new RegExp(`\\b${p}\\b`), `Debian package ${p}`);
});

Deno.test("ci.yml gives macOS tests a throwaway default keychain and always deletes it", () => {
  const mac = steps(ci).filter((s) => s.if?.includes("macOS"));
  const create = mac.find((s) => s.run?.includes("security create-keychain"));
  const remove = mac.find((s) => s.run?.includes("security delete-keychain"));
  assert.ok(create?.run?.includes("security unlock-keychain"));
  assert.ok(create?.run?.includes("security default-keychain -d user -s"));
  assert.ok(remove?.if?.includes("always()"), "the keychain is deleted even when tests fail");
  const order = steps(ci);
  const test = order.findIndex((s) =>
    s.if?.includes("macOS") && s.run?.trim() === "deno task test"
  );
  assert.ok(order.indexOf(create!) < test && test < order.indexOf(remove!));
});

Deno.test("ci.yml completes aws-sso li to list in a real pwsh on Windows, with the script setup completions prints", () => {
  const step = steps(ci).find((s) => s.run?.includes("TabExpansion2"));
  assert.ok(step, "a PowerShell completion step");
  assert.match(step.if ?? "", /Windows/);
  assert.equal((step as Step & { shell?: string }).shell, "pwsh");
  const run = step.run!;
  assert.match(run, /aws-sso setup completions --source --shell powershell/);
  assert.match(run, /Invoke-Expression \$script/);
  assert.match(run, /TabExpansion2 -inputScript 'aws-sso li' -cursorColumn 10/);
  assert.match(run, /-notcontains 'list'\) \{ throw/);
  const order = steps(ci);
  const test = order.findIndex((s) => s.if?.includes("Windows") && s.run === "deno task test");
  assert.ok(test >= 0 && test < order.indexOf(step));
});

Deno.test("release.yml runs on version tags and builds every release target", () => {
  assert.deepEqual((release.on.push as { tags: string[] }).tags, ["v*.*.*"]);
  const built = release.env!.TARGETS!.trim().split(/\s+/);
  assert.deepEqual(built, RELEASE_TARGETS.map((t) => t.triple));
  assert.match(
    scripts(release),
    /deno task compile --target "\$target" --output "dist\/\$target\/aws-sso"/,
  );
});

Deno.test("release.yml runs every built binary on its own OS before publishing", () => {
  const include = release.jobs.smoke!.strategy!.matrix.include!;
  assert.deepEqual(
    include.map((i) => i.target).sort(),
    RELEASE_TARGETS.map((t) => t.triple).sort(),
  );
  for (const { target, os } of include) {
    const family = RELEASE_TARGETS.find((t) => t.triple === target)!.os;
    const expected = { linux: "ubuntu", darwin: "macos", windows: "windows" }[family];
    assert.ok(os!.startsWith(expected), `${target} runs on ${os}`);
    assert.equal(os!.includes("arm"), target!.startsWith("aarch64") && family === "linux", os);
  }
  assert.deepEqual(release.jobs.publish!.needs, ["build", "smoke"]);
  assert.equal(release.jobs.publish!.if, "github.ref_type == 'tag'");
});

Deno.test("release.yml packages, renders from SHA256SUMS, and uploads both rendered files", () => {
  const run = scripts(release);
  assert.match(run, /package\.ts --version "\$VERSION" --dist dist --out dist\/release/);
  assert.match(
    run,
    /render_packages\.ts --version "\$VERSION" \\\n\s+--sums dist\/release\/SHA256SUMS/,
  );
  assert.match(
    run,
    /gh release upload [\s\S]*release\/\* packaging\/aws-sso\.rb packaging\/aws-sso\.json/,
  );
});
