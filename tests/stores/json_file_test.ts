import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import { StoreError } from "../../stores/backend.ts";
import { JsonFileBackend } from "../../stores/json_file.ts";
import { testBackendContract } from "./contract.ts";

const enc = (text: string) => new TextEncoder().encode(text);

async function tempStore(): Promise<{ dir: string; path: string; open: () => JsonFileBackend }> {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-json-" });
  const path = `${dir}/config/store.json`;
  return { dir, path, open: () => new JsonFileBackend({ path, fileIo: realFileIo }) };
}

testBackendContract({
  name: "json store",
  fileBacked: true,
  async create() {
    const { dir, open } = await tempStore();
    return { open, dispose: () => Deno.remove(dir, { recursive: true }) };
  },
});

Deno.test("json store: keys land in the reference tool's layout, JSON values inline", async () => {
  const { dir, path, open } = await tempStore();
  try {
    const store = open();
    await store.set("client-data:Default", enc('{"clientId":"c1","clientSecret":"s1"}'));
    await store.set("token-response:Default", enc('{"accessToken":"a1"}'));
    await store.set(
      "role-credentials:arn:aws:iam::012345678901:role/Admin",
      enc('{"accessKeyId":"AK"}'),
    );
    await store.set("ecs-bearer-token", enc("Bearer-less token"));
    await store.set("ecs-private-key", enc("-----BEGIN KEY-----\nabc\n"));
    await store.set("ecs-cert-chain", enc("chain"));
    await store.set("something-else", enc("x"));
    const doc = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(doc, {
      RegisterClient: { Default: { clientId: "c1", clientSecret: "s1" } },
      CreateTokenResponse: { Default: { accessToken: "a1" } },
      RoleCredentials: { "arn:aws:iam::012345678901:role/Admin": { accessKeyId: "AK" } },
      EcsBearerToken: "Bearer-less token",
      EcsPrivateKey: "-----BEGIN KEY-----\nabc\n",
      EcsCertChain: "chain",
      Other: { "something-else": "x" },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("json store: a file written by the reference tool is read, and its unknown fields survive a write", async () => {
  const { dir, path, open } = await tempStore();
  try {
    await Deno.mkdir(`${dir}/config`);
    const reference = {
      RegisterClient: { Default: { clientId: "c1", clientSecretExpiresAt: 1700000000 } },
      StartDeviceAuth: {},
      CreateTokenResponse: { Default: { accessToken: "a1", expiresAt: 1700000000 } },
      RoleCredentials: {},
      StaticCredentials: { "arn:aws:iam::1:user/u": { userName: "u" } },
      EcsBearerToken: "tok",
    };
    await Deno.writeTextFile(path, JSON.stringify(reference, null, 2));
    const store = open();
    assert.deepEqual(await store.keys(), [
      "client-data:Default",
      "ecs-bearer-token",
      "token-response:Default",
    ]);
    assert.deepEqual(
      JSON.parse(new TextDecoder().decode(await store.get("client-data:Default"))),
      reference.RegisterClient.Default,
    );
    assert.deepEqual(await store.get("ecs-bearer-token"), enc("tok"));
    await store.set("token-response:Default", enc('{"accessToken":"a2"}'));
    assert.equal(await store.delete("ecs-bearer-token"), true);
    const doc = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(doc.StaticCredentials, reference.StaticCredentials);
    assert.deepEqual(doc.StartDeviceAuth, {});
    assert.deepEqual(doc.CreateTokenResponse, { Default: { accessToken: "a2" } });
    assert.equal("EcsBearerToken" in doc, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("json store: values that are not canonical JSON keep their exact bytes", async () => {
  const { dir, path, open } = await tempStore();
  try {
    const store = open();
    const values = {
      "other:pretty": enc('{ "a": 1 }'),
      "other:json-string": enc('"quoted"'),
      "other:marker-lookalike": enc('{"$base64":"AAAA"}'),
      "other:number": enc("42"),
      "other:binary": new Uint8Array([0xff, 0x00, 0x80]),
    };
    for (const [k, v] of Object.entries(values)) await store.set(k, v);
    for (const [k, v] of Object.entries(values)) assert.deepEqual(await store.get(k), v, k);
    const other = JSON.parse(await Deno.readTextFile(path)).Other;
    assert.deepEqual(other["other:binary"], { $base64: "/wCA" });
    assert.equal(other["other:pretty"], '{ "a": 1 }');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("json store: the file is written 0600 in a 0700 directory", {
  ignore: Deno.build.os === "windows",
}, async () => {
  const { dir, path, open } = await tempStore();
  try {
    await open().set("k", enc("v"));
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${dir}/config`)).mode! & 0o777, 0o700);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("json store: a file that is not JSON is reported with a hint and left alone", async () => {
  const { dir, path, open } = await tempStore();
  try {
    await Deno.mkdir(`${dir}/config`);
    await Deno.writeTextFile(path, "{ not json");
    await assert.rejects(() => open().set("k", enc("v")), (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.match(e.message, /not valid JSON/);
      assert.ok(e.hints.length > 0);
      return true;
    });
    assert.equal(await Deno.readTextFile(path), "{ not json");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
