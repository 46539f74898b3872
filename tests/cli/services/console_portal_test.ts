import assert from "node:assert/strict";
import { consolePortalEnabled, consolePortalUrl } from "../../../cli/services/console_portal.ts";
import { UsageError } from "../../../lib/errors.ts";

const instance = { startUrl: "https://d-1234567890.awsapps.com/start/", ssoRegion: "us-east-1" };

Deno.test("consolePortalEnabled(): the flag, else the instance's ConsolePortal, else the top level", () => {
  assert.equal(consolePortalEnabled(undefined, { consolePortal: false }, {}), false);
  assert.equal(consolePortalEnabled(undefined, { consolePortal: true }, {}), true);
  assert.equal(
    consolePortalEnabled(undefined, { consolePortal: true }, { consolePortal: false }),
    false,
  );
  assert.equal(
    consolePortalEnabled(undefined, { consolePortal: false }, { consolePortal: true }),
    true,
  );
  assert.equal(
    consolePortalEnabled(false, { consolePortal: true }, { consolePortal: true }),
    false,
  );
  assert.equal(
    consolePortalEnabled(true, { consolePortal: false }, { consolePortal: false }),
    true,
  );
});

Deno.test("consolePortalUrl() builds the link for an Identity Center role", () => {
  assert.equal(
    consolePortalUrl(instance, { accountId: "012345678901", roleName: "Admin" }, "x", {
      defaultRegion: "eu-west-1",
      service: "s3",
    }),
    "https://d-1234567890.awsapps.com/start/#/console?account_id=012345678901&role_name=Admin" +
      "&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1",
  );
});

Deno.test("consolePortalUrl() refuses a role the portal cannot open, naming it", () => {
  assert.throws(
    () => consolePortalUrl(instance, undefined, "123456789012:Deployer", { defaultRegion: "x" }),
    (e: unknown) =>
      e instanceof UsageError && e.message.includes("123456789012:Deployer") &&
      e.hints.some((h) => h.includes("--no-portal")),
  );
});
