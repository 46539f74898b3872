import assert from "node:assert/strict";
import { BackendUnavailableError } from "../../stores/backend.ts";
import { DenoCommandRunner, TIMEOUT_EXIT_CODE } from "../../stores/command_runner.ts";

const unix = Deno.build.os !== "windows";
const runner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test(
  "command runner: stdin reaches the program and stdout, stderr and the exit code come back",
  {
    ignore: !unix,
  },
  async () => {
    // More than a pipe buffer, so writing stdin and reading stdout must overlap.
    const input = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 7919) % 251);
    const out = await runner.run("sh", ["-c", "cat; echo oops >&2; exit 3"], { stdin: input });
    assert.equal(out.code, 3);
    assert.deepEqual(out.stdout, input);
    assert.equal(dec(out.stderr), "oops\n");
  },
);

Deno.test(
  "command runner: without stdin the program reads end-of-file at once",
  { ignore: !unix },
  async () => {
    const out = await runner.run("sh", ["-c", "cat; echo done"]);
    assert.equal(dec(out.stdout), "done\n");
  },
);

Deno.test("command runner: env adds to the inherited environment", { ignore: !unix }, async () => {
  const out = await runner.run("sh", ["-c", 'echo "$AWS_SSO_TEST_VAR:${PATH:+path}"'], {
    env: { AWS_SSO_TEST_VAR: "x y" },
  });
  assert.equal(dec(out.stdout), "x y:path\n");
});

Deno.test(
  "command runner: a child never sees the store password or credentials, even passed in env",
  { ignore: !unix },
  async () => {
    const secrets = {
      AWS_SSO_FILE_PASSWORD: "pw-in-env",
      AWS_SECRET_ACCESS_KEY: "secret-in-env",
      AWS_SESSION_TOKEN: "token-in-env",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "ecs-in-env",
    };
    const r = new DenoCommandRunner({
      env: { PATH: Deno.env.get("PATH"), KEEP_ME: "kept", ...secrets },
      os: Deno.build.os,
    });
    // `env` prints the child's whole environment, as secret-tool, pass or docker would see it.
    const out = await r.run("env", [], { env: { AWS_SSO_FILE_PASSWORD: "again", EXTRA: "1" } });
    const text = dec(out.stdout);
    assert.match(text, /^KEEP_ME=kept$/m);
    assert.match(text, /^EXTRA=1$/m);
    for (const name of [...Object.keys(secrets), "AWS_ACCESS_KEY_ID"]) {
      assert.doesNotMatch(text, new RegExp(`^${name}=`, "m"));
    }
    for (const value of [...Object.values(secrets), "again"]) assert.ok(!text.includes(value));
  },
);

Deno.test("command runner: a program past its timeout is killed and reported as exit 124", {
  ignore: !unix,
}, async () => {
  const started = performance.now();
  const out = await runner.run("sleep", ["10"], { timeoutMs: 100 });
  assert.equal(out.code, TIMEOUT_EXIT_CODE);
  assert.match(dec(out.stderr), /timed out after 100 ms/);
  assert.ok(performance.now() - started < 5000);
});

Deno.test("command runner: a program that exits without reading stdin does not fail the call", {
  ignore: !unix,
}, async () => {
  const out = await runner.run("true", [], { stdin: new Uint8Array(1024 * 1024) });
  assert.equal(out.code, 0);
});

Deno.test("command runner: a missing program is a BackendUnavailableError naming it", async () => {
  await assert.rejects(
    () => runner.run("aws-sso-no-such-program", []),
    (e: unknown) =>
      e instanceof BackendUnavailableError && /aws-sso-no-such-program/.test(e.message),
  );
});

Deno.test(
  "command runner: available() finds executables on the given PATH only",
  { ignore: !unix },
  async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/tool-x`, "#!/bin/sh\n", { mode: 0o755 });
      await Deno.writeTextFile(`${dir}/not-exec`, "data", { mode: 0o644 });
      await Deno.mkdir(`${dir}/a-dir`);
      const r = new DenoCommandRunner({ env: { PATH: `/nonexistent:${dir}` }, os: Deno.build.os });
      assert.equal(await r.available("tool-x"), true);
      assert.equal(await r.available("not-exec"), false);
      assert.equal(await r.available("a-dir"), false);
      assert.equal(await r.available("sh"), false);
      assert.equal(await r.available(`${dir}/tool-x`), true);
      assert.equal(
        await new DenoCommandRunner({ env: {}, os: "linux" }).available("sh"),
        false,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("command runner: on Windows available() tries PATHEXT suffixes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/tool.EXE`, "MZ");
    const r = new DenoCommandRunner({
      env: { PATH: `${dir};C:\\nowhere` },
      os: "windows",
      pathExt: ".COM;.EXE",
    });
    assert.equal(await r.available("tool"), true);
    assert.equal(await r.available("tool.EXE"), true);
    assert.equal(await r.available("other"), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
