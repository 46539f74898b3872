import assert from "node:assert/strict";
import { checkCertificatePem, checkPrivateKeyPem } from "../../../lib/ecs/tls_pem.ts";

const dir = new URL("../../testdata/ecs/", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, dir));
const CERT = read("localhost_cert.pem");
const KEY = read("localhost_key.pem");

Deno.test("checkCertificatePem() accepts an X.509 certificate and reports its expiry", () => {
  const r = checkCertificatePem(CERT);
  assert.ok(r.ok);
  assert.ok(r.notAfterMs > Date.UTC(2100, 0, 1));
  assert.equal(r.ca, false);
});

Deno.test("checkCertificatePem() tells a CA certificate apart", () => {
  const r = checkCertificatePem(read("ca_cert.pem"));
  assert.ok(r.ok && r.ca);
});

Deno.test("checkCertificatePem() refuses text that is not a certificate", () => {
  assert.deepEqual(checkCertificatePem("hello"), {
    ok: false,
    problem: "no PEM CERTIFICATE block found",
  });
  assert.deepEqual(checkCertificatePem(KEY), {
    ok: false,
    problem: "expected only CERTIFICATE blocks, found PRIVATE KEY",
  });
  const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  const r = checkCertificatePem(broken);
  assert.ok(!r.ok && r.problem.startsWith("not a valid X.509 certificate"));
});

Deno.test("checkPrivateKeyPem() accepts the certificate's PKCS#8 key", () => {
  assert.deepEqual(checkPrivateKeyPem(KEY), { ok: true });
  assert.deepEqual(checkPrivateKeyPem(KEY, CERT), { ok: true });
});

Deno.test("checkPrivateKeyPem() refuses another key, PKCS#1, encrypted and broken keys", () => {
  assert.deepEqual(checkPrivateKeyPem(read("other_key.pem"), CERT), {
    ok: false,
    problem: "the key does not belong to the certificate",
  });
  const pkcs1 = checkPrivateKeyPem(read("rsa_pkcs1_key.pem"));
  assert.ok(
    !pkcs1.ok &&
      pkcs1.problem.startsWith("expected a PKCS#8 key (BEGIN PRIVATE KEY), found RSA PRIVATE KEY"),
  );
  const encrypted = KEY.replaceAll("PRIVATE KEY", "ENCRYPTED PRIVATE KEY");
  assert.deepEqual(checkPrivateKeyPem(encrypted), {
    ok: false,
    problem: "the key is encrypted; the server needs it unencrypted",
  });
  const broken = checkPrivateKeyPem(
    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
  );
  assert.ok(!broken.ok && broken.problem.startsWith("not a valid PKCS#8 private key"));
  assert.deepEqual(checkPrivateKeyPem(KEY + KEY), {
    ok: false,
    problem: "expected one private key, found 2 PEM blocks",
  });
});
