/**
 * The ECS server image: no Docker engine runs here, so this holds the Dockerfile to the
 * `docker create` arguments `ecs docker start` gives (entrypoint, command, HOME, port, user) and
 * release.yml to building and pushing it for both Linux architectures from the release binaries.
 * tests/e2e/ecs_test.ts runs the same command line outside Docker.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { RELEASE_TARGETS } from "../../.github/scripts/targets.ts";
import {
  dockerCreateArgs,
  ECS_CONTAINER_PORT,
  ECS_CONTAINER_SECURITY_FILE,
} from "../../lib/ecs/docker_container.ts";

const root = new URL("../../", import.meta.url);
const dockerfile = await Deno.readTextFile(new URL(".github/ecs_server/Dockerfile", root));

/** The instructions of a Dockerfile: continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; arg: string }[] {
  const joined = text.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n")
    .replace(/\\\n/g, " ");
  return joined.split("\n").map((l) => l.trim()).filter((l) => l !== "").map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    return { op: op!.toUpperCase(), arg: rest.join(" ") };
  });
}

const steps = instructions(dockerfile);
const one = (op: string) => {
  const found = steps.filter((s) => s.op === op);
  assert.equal(found.length, 1, `one ${op}`);
  return found[0]!.arg;
};

/** What `ecs docker start` creates by default (no --level, no --user). */
const created = dockerCreateArgs({ image: "IMG", version: "TAG", bindIp: "127.0.0.1", port: 4144 });
const imageAt = created.indexOf("IMG:TAG");
const entrypoint = created[created.indexOf("--entrypoint") + 1]!;
const command = created.slice(imageAt + 1);
const env = created.flatMap((a, i) => created[i - 1] === "--env" ? [a] : []);

Deno.test("the ECS server image starts from a small Debian base and runs as a non-root user", () => {
  assert.equal(one("FROM"), "debian:bookworm-slim");
  const user = one("USER");
  assert.ok(!/^(0|root)(:|$)/.test(user), `USER ${user}`);
  assert.match(user, /^\d+:\d+$/);
  assert.match(one("RUN"), new RegExp(`useradd .*--uid ${user.split(":")[0]} `));
});

Deno.test("the image's ENTRYPOINT and CMD are what dockerCreateArgs() runs, from WORKDIR", () => {
  assert.deepEqual(JSON.parse(one("ENTRYPOINT")), [entrypoint]);
  assert.deepEqual(JSON.parse(one("CMD")), command);
  const workdir = one("WORKDIR");
  const copy = one("COPY").split(/\s+/);
  assert.equal(copy.at(-1), `${workdir}/${entrypoint.replace(/^\.\//, "")}`);
  assert.ok(copy.includes("--chmod=0755"));
  // Each Docker platform takes the binary of its own architecture from the build context.
  assert.equal(copy.at(-2), "${TARGETOS}-${TARGETARCH}/aws-sso");
});

Deno.test("the image's HOME and port match the container's environment and the security file", () => {
  const envs = steps.filter((s) => s.op === "ENV").map((s) => s.arg.replace(/\s+/, "="));
  for (const e of env) assert.ok(envs.includes(e), `ENV ${e} (docker create --env ${e})`);
  const home = env.find((e) => e.startsWith("HOME="))!.slice("HOME=".length);
  assert.equal(home, one("WORKDIR"));
  assert.ok(ECS_CONTAINER_SECURITY_FILE.startsWith(`${home}/`));
  assert.equal(one("EXPOSE"), String(ECS_CONTAINER_PORT));
});

interface Step {
  uses?: string;
  run?: string;
}
interface Job {
  needs?: string[];
  if?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}

Deno.test("release.yml builds the image for linux/amd64 and linux/arm64 from the release binaries and pushes v<version>", async () => {
  const release = parse(
    await Deno.readTextFile(new URL(".github/workflows/release.yml", root)),
  ) as { jobs: Record<string, Job> };
  const job = release.jobs.image!;
  assert.deepEqual(job.needs, ["build", "smoke"]);
  assert.equal(job.if, "github.ref_type == 'tag'");
  assert.equal(job.permissions?.packages, "write");
  assert.match(
    job.env!.IMAGE!,
    /vars\.ECS_SERVER_IMAGE \|\| format\('ghcr\.io\/\{0\}\/aws-sso-ecs-server'/,
  );
  assert.ok(job.steps.some((s) => s.uses?.startsWith("docker/setup-buildx-action@")));
  assert.ok(job.steps.some((s) => s.uses?.startsWith("docker/setup-qemu-action@")));
  const run = job.steps.map((s) => s.run ?? "").join("\n");
  // The two Linux release targets, each under its Docker platform's name.
  const linux = RELEASE_TARGETS.filter((t) => t.os === "linux");
  assert.equal(linux.length, 2);
  for (const t of linux) {
    const arch = { x86_64: "amd64", aarch64: "arm64" }[t.arch];
    assert.ok(run.includes(`${arch}:${t.triple}`), t.triple);
  }
  assert.match(run, /sha256sum -c -/);
  assert.match(run, /cp \.github\/ecs_server\/Dockerfile "\$context\/Dockerfile"/);
  assert.match(run, /docker buildx build --platform linux\/amd64,linux\/arm64 /);
  assert.match(run, /--tag "\$image:v\$VERSION"/);
  assert.match(run, /--push "\$IMAGE_CONTEXT"/);
  assert.match(run, /--password-stdin/);
});
