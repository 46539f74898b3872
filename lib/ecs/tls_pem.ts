/**
 * Checks the TLS certificate and private key `setup ecs ssl` stores for the ECS server (the
 * certificate must be PEM X.509, the key PEM PKCS#8, as for the reference), and that they belong
 * together.
 *
 * ```ts
 * declare const certText: string, keyText: string;
 * const cert = checkCertificatePem(certText);          // { ok: true, notAfterMs } | { ok: false, problem }
 * const key = checkPrivateKeyPem(keyText, certText);   // also checks the key matches the certificate
 * ```
 *
 * @module
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { errorMessage } from "../errors.ts";

/** The outcome of a check: fine (with facts), or what is wrong. */
export type PemCheck<T> = ({ ok: true } & T) | { ok: false; problem: string };

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

function labels(text: string): string[] {
  return [...text.matchAll(BLOCK)].map((m) => m[1] ?? "");
}

/**
 * Checks that `text` holds one or more PEM certificates (a chain, leaf first) that parse as
 * X.509; reports the leaf's expiry and whether it is a CA certificate (TLS clients refuse a CA
 * certificate as a server's own).
 *
 * @example
 * ```ts
 * checkCertificatePem("hello"); // { ok: false, problem: "no PEM CERTIFICATE block found" }
 * ```
 */
export function checkCertificatePem(
  text: string,
): PemCheck<{ notAfterMs: number; ca: boolean }> {
  const found = labels(text);
  if (found.length === 0 || found.some((l) => l !== "CERTIFICATE")) {
    return {
      ok: false,
      problem: found.length === 0
        ? "no PEM CERTIFICATE block found"
        : `expected only CERTIFICATE blocks, found ${found.join(", ")}`,
    };
  }
  try {
    const leaf = new X509Certificate(text);
    return { ok: true, notAfterMs: Date.parse(leaf.validTo), ca: leaf.ca };
  } catch (e) {
    return { ok: false, problem: `not a valid X.509 certificate (${errorMessage(e)})` };
  }
}

/**
 * Checks that `text` is one unencrypted PKCS#8 private key (`BEGIN PRIVATE KEY`) and, when
 * `certificatePem` is given, that it is the key of that certificate.
 *
 * @example
 * ```ts
 * checkPrivateKeyPem("-----BEGIN RSA PRIVATE KEY-----\n...");
 * // { ok: false, problem: "expected a PKCS#8 key (BEGIN PRIVATE KEY), found RSA PRIVATE KEY ..." }
 * ```
 */
export function checkPrivateKeyPem(
  text: string,
  certificatePem?: string,
): PemCheck<Record<never, never>> {
  const found = labels(text);
  if (found.length !== 1) {
    return {
      ok: false,
      problem: found.length === 0
        ? "no PEM PRIVATE KEY block found"
        : `expected one private key, found ${found.length} PEM blocks`,
    };
  }
  const label = found[0];
  if (label === "ENCRYPTED PRIVATE KEY") {
    return { ok: false, problem: "the key is encrypted; the server needs it unencrypted" };
  }
  if (label !== "PRIVATE KEY") {
    return {
      ok: false,
      problem: `expected a PKCS#8 key (BEGIN PRIVATE KEY), found ${label}; convert it with ` +
        "openssl pkcs8 -topk8 -nocrypt",
    };
  }
  let key;
  try {
    key = createPrivateKey({ key: text, format: "pem" });
  } catch (e) {
    return { ok: false, problem: `not a valid PKCS#8 private key (${errorMessage(e)})` };
  }
  if (certificatePem !== undefined) {
    let matches = false;
    try {
      matches = new X509Certificate(certificatePem).checkPrivateKey(key);
    } catch {
      matches = false;
    }
    if (!matches) return { ok: false, problem: "the key does not belong to the certificate" };
  }
  return { ok: true };
}
