import assert from "node:assert/strict";
import { runSetupEcsAuth, runSetupEcsSsl } from "../../../cli/commands/setup_ecs.ts";
import { AwsSsoError, UsageError } from "../../../lib/errors.ts";
import { commandServices } from "../../fakes/command_services.ts";
import { runArgv } from "./_signed_in.ts";

const TESTDATA = new URL("../../testdata/ecs/", import.meta.url).pathname;
const CERT = `${TESTDATA}localhost_cert.pem`;
const KEY = `${TESTDATA}localhost_key.pem`;
const CONFIG =
  "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-1.awsapps.com/start\n";

const stdin = (text: string) => () => Promise.resolve(text);

Deno.test("runSetupEcsAuth() prints the stored token, or says there is none", async () => {
  await using t = await commandServices({ config: CONFIG });
  await assert.rejects(runSetupEcsAuth({}, t.services), (e) => {
    assert.ok(e instanceof AwsSsoError);
    assert.match(e.message, /no ECS bearer token is stored/);
    assert.match(e.hints.join("\n"), /setup ecs auth --rotate/);
    return true;
  });
  await t.store.putEcsBearerToken("stored-token-1");
  await runSetupEcsAuth({}, t.next());
  assert.equal(t.output.stdout, "stored-token-1\n");
});

Deno.test("runSetupEcsAuth() stores a token from stdin or the command line, never logging it", async () => {
  await using t = await commandServices({ config: CONFIG });
  await runSetupEcsAuth(
    { bearerToken: "-", readStdin: stdin("my-chosen-token-123\n") },
    t.services,
  );
  assert.equal(await t.store.getEcsBearerToken(), "my-chosen-token-123");
  assert.match(t.output.stderr, /Stored the ECS bearer token; a running ECS server keeps/);
  assert.doesNotMatch(t.output.stderr, /visible to other processes/);

  await runSetupEcsAuth({ bearerToken: "on-argv-token" }, t.next());
  assert.equal(await t.store.getEcsBearerToken(), "on-argv-token");
  assert.match(t.output.stderr, /visible to other processes/);
  assert.ok(!t.output.stderr.includes("on-argv-token") && !t.output.stderr.includes("my-chosen"));
  assert.equal(t.output.stdout, "");

  for (
    const [input, problem] of [
      [{ bearerToken: "Bearer abc" }, /token should not start with 'Bearer '/],
      [{ bearerToken: "-", readStdin: stdin("") }, /no bearer token provided/],
    ] as const
  ) {
    await assert.rejects(runSetupEcsAuth(input, t.next()), (e) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, problem);
      return true;
    });
  }
  assert.equal(
    await t.store.getEcsBearerToken(),
    "on-argv-token",
    "a refused token stores nothing",
  );
});

Deno.test("runSetupEcsAuth() --rotate replaces the token and the admin credential without printing them; --delete drops both", async () => {
  await using t = await commandServices({ config: CONFIG });
  await runSetupEcsAuth({ rotate: true }, t.services);
  const token = (await t.store.getEcsBearerToken())!;
  const admin = (await t.store.getEcsAdminToken())!;
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.match(admin, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(admin, token);
  await runSetupEcsAuth({ rotate: true }, t.next());
  assert.notEqual(await t.store.getEcsAdminToken(), admin);
  assert.notEqual(await t.store.getEcsBearerToken(), token);
  const printed = t.output.stdout + t.output.stderr;
  assert.ok(!printed.includes(token) && !printed.includes(admin), "nothing secret printed");

  await runSetupEcsAuth({ delete: true }, t.next());
  assert.equal(await t.store.getEcsBearerToken(), undefined);
  assert.equal(await t.store.getEcsAdminToken(), undefined);
  assert.match(t.output.stderr, /Deleted the ECS bearer token and admin credential/);
  await runSetupEcsAuth({ delete: true }, t.next());
  assert.match(t.output.stderr, /No ECS bearer token was stored/);
});

Deno.test("runSetupEcsSsl() wants --force, checks the PEM files, stores, prints and deletes", async () => {
  await using t = await commandServices({ config: CONFIG });
  await assert.rejects(
    runSetupEcsSsl({ certificate: CERT, privateKey: KEY }, t.services),
    /Use `--force` to continue anyways\./,
  );
  assert.match(t.output.stderr, /WARN TLS for the ECS server is experimental/);
  assert.equal(await t.store.getEcsCertChain(), undefined);

  const refused: [Parameters<typeof runSetupEcsSsl>[0], RegExp][] = [
    [{ certificate: KEY, force: true }, /is not a usable certificate: expected only CERTIFICATE/],
    [
      { certificate: CERT, privateKey: `${TESTDATA}other_key.pem`, force: true },
      /the key does not belong to the certificate/,
    ],
    [
      { certificate: CERT, privateKey: `${TESTDATA}rsa_pkcs1_key.pem`, force: true },
      /expected a PKCS#8 key/,
    ],
    [{ certificate: `${TESTDATA}missing.pem`, force: true }, /Cannot read the certificate /],
    [{ print: true }, /no certificate found/],
    [{ privateKey: KEY }, /--private-key needs --certificate/],
    [{}, /please specify --certificate \(with --private-key\), --print or --delete/],
  ];
  for (const [input, problem] of refused) {
    await assert.rejects(runSetupEcsSsl(input, t.next()), problem, String(problem));
  }
  assert.equal(await t.store.getEcsCertChain(), undefined);
  assert.equal(await t.store.getEcsPrivateKey(), undefined);

  await runSetupEcsSsl({ certificate: CERT, privateKey: KEY, force: true }, t.next());
  assert.equal(await t.store.getEcsCertChain(), await Deno.readTextFile(CERT));
  assert.equal(await t.store.getEcsPrivateKey(), await Deno.readTextFile(KEY));
  assert.match(t.output.stderr, /Stored the ECS server's TLS certificate and key/);
  assert.ok(!t.output.stderr.includes("PRIVATE KEY-----\n"), "the key is never logged");

  t.output.stdout = "";
  await runSetupEcsSsl({ print: true }, t.next());
  assert.equal(t.output.stdout, await Deno.readTextFile(CERT));

  await runSetupEcsSsl({ delete: true }, t.next());
  assert.equal(await t.store.getEcsCertChain(), undefined);
  assert.equal(await t.store.getEcsPrivateKey(), undefined);
  assert.match(t.output.stderr, /it serves plain http from its next start/);
  await runSetupEcsSsl({ delete: true }, t.next());
  assert.match(t.output.stderr, /No TLS certificate or key was stored/);
});

Deno.test("runSetupEcsSsl() warns about a CA certificate and a certificate stored without its key", async () => {
  await using t = await commandServices({ config: CONFIG });
  await runSetupEcsSsl({ certificate: `${TESTDATA}ca_cert.pem`, force: true }, t.services);
  assert.match(t.output.stderr, /The certificate is a CA certificate/);
  assert.match(t.output.stderr, /No private key is stored: TLS stays off/);
  await t.store.putEcsPrivateKey(await Deno.readTextFile(`${TESTDATA}other_key.pem`));
  await runSetupEcsSsl({ certificate: CERT, force: true }, t.next());
  assert.match(t.output.stderr, /The stored private key does not belong to this certificate/);
});

Deno.test("setup ecs auth and ssl are wired to runSetupEcsAuth and runSetupEcsSsl", async () => {
  await using t = await commandServices({ config: CONFIG });
  assert.equal(await runArgv(t, ["setup", "ecs", "auth", "--rotate"]), 0, t.output.stderr);
  const token = await t.store.getEcsBearerToken();
  assert.equal(await runArgv(t, ["setup", "ecs", "auth"]), 0);
  assert.equal(t.output.stdout, `${token}\n`);
  assert.equal(await runArgv(t, ["setup", "ecs", "auth", "-d", "--rotate"]), 2);
  assert.equal(await runArgv(t, ["setup", "ecs", "ssl", "-c", CERT, "-k", KEY, "--force"]), 0);
  assert.ok(await t.store.getEcsPrivateKey());
  assert.equal(await runArgv(t, ["setup", "ecs", "ssl", "-p", "-c", CERT]), 2);
  assert.equal(await runArgv(t, ["setup", "ecs", "ssl", "-d"]), 0);
  assert.equal(await t.store.getEcsCertChain(), undefined);
});
