import assert from "node:assert/strict";
import {
  dockerCreateArgs,
  ECS_CONTAINER_SECURITY_FILE,
  ECS_DOCKER_IMAGE,
  ecsImageTag,
  ecsSecurityFile,
  securityArchive,
} from "../../../lib/ecs/docker_container.ts";

Deno.test("dockerCreateArgs() publishes the port on the bind address and runs ecs server --docker", () => {
  assert.deepEqual(
    dockerCreateArgs({
      image: "synfinatic/aws-sso-cli-ecs-server",
      version: "v2.3.2",
      bindIp: "127.0.0.1",
      port: 4150,
      user: { uid: 1000, gid: 1001 },
    }),
    [
      "create",
      "--name",
      "aws-sso-cli-ecs-server",
      "--network",
      "bridge",
      "--publish",
      "127.0.0.1:4150:4144/tcp",
      "--restart",
      "on-failure:3",
      "--env",
      "AWS_SSO_ECS_PORT=4144",
      "--env",
      "HOME=/app",
      "--user",
      "1000:1001",
      "--entrypoint",
      "./aws-sso",
      "synfinatic/aws-sso-cli-ecs-server:v2.3.2",
      "ecs",
      "server",
      "--docker",
    ],
  );
});

Deno.test("dockerCreateArgs() brackets IPv6 addresses and passes a debug level on", () => {
  const args = dockerCreateArgs({
    image: "i",
    version: "t",
    bindIp: "::1",
    port: 1,
    level: "debug",
  });
  assert.ok(args.includes("[::1]:1:4144/tcp"));
  assert.deepEqual(args.slice(-6), ["i:t", "--level", "debug", "ecs", "server", "--docker"]);
  assert.ok(!args.includes("--user"));
});

Deno.test("securityArchive() is a tar that extracts to the security file with owner-only modes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-ecs-tar-" });
  try {
    const secret = {
      privateKey: "KEY\n",
      certChain: "CERT\n",
      bearerToken: 'tok"en',
      adminToken: "adm1n-cred",
    };
    const uid = Deno.uid() ?? 0;
    const gid = Deno.gid() ?? 0;
    const tar = securityArchive(secret, { uid, gid }, 1_700_000_000);
    assert.equal(tar.length % 512, 0);
    const child = new Deno.Command("tar", {
      args: ["-x", "-v", "-f", "-", "-C", dir],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(tar);
    await w.close();
    const out = await child.output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const file = `${dir}${ECS_CONTAINER_SECURITY_FILE}`;
    assert.deepEqual(JSON.parse(await Deno.readTextFile(file)), secret);
    const stat = await Deno.stat(file);
    assert.equal((stat.mode ?? 0) & 0o777, 0o600);
    assert.equal(stat.mtime?.getTime(), 1_700_000_000_000);
    assert.equal(((await Deno.stat(`${dir}/app/.aws-sso/mnt`)).mode ?? 0) & 0o777, 0o700);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the default image is this project's own, at the tag of this version; the security file is under the container's HOME", () => {
  assert.equal(ECS_DOCKER_IMAGE, "ghcr.io/aws-sso/aws-sso-ecs-server");
  assert.ok(!ECS_DOCKER_IMAGE.includes("synfinatic"));
  assert.equal(ecsImageTag("1.4.0"), "v1.4.0");
  // AWS SSO CLI's image reads /app/.aws-sso/mnt/docker-ecs: the same file, so --image still works.
  assert.equal(ECS_CONTAINER_SECURITY_FILE, "/app/.aws-sso/mnt/docker-ecs");
  const args = dockerCreateArgs({ image: "i", version: "t", bindIp: "127.0.0.1", port: 1 });
  const home = args[args.indexOf("HOME=/app")]!.slice("HOME=".length);
  assert.equal(ecsSecurityFile(home), ECS_CONTAINER_SECURITY_FILE);
});
