import assert from "node:assert/strict";
import { ssoSources } from "../../../lib/aws_config/sso_sources.ts";

Deno.test("ssoSources() lists sso-sessions first, then profiles with their own start URL", () => {
  const profiles = {
    zeta: { sso_start_url: "https://legacy.awsapps.com/start", sso_region: "eu-west-1" },
    dev: { sso_session: "corp", sso_account_id: "111122223333" },
    "sso-session.corp": {
      sso_start_url: "https://corp.awsapps.com/start",
      sso_region: "us-east-2",
    },
    plain: { region: "us-east-1" },
  };
  const sessions = {
    corp: { sso_start_url: "https://corp.awsapps.com/start", sso_region: "us-east-2" },
  };
  assert.deepEqual(ssoSources(profiles, sessions), [
    { origin: "sso-session corp", startUrl: "https://corp.awsapps.com/start", region: "us-east-2" },
    { origin: "profile zeta", startUrl: "https://legacy.awsapps.com/start", region: "eu-west-1" },
  ]);
});

Deno.test("ssoSources() drops duplicates and entries without both URL and region", () => {
  const profiles = {
    a: { sso_start_url: "https://x.awsapps.com/start", sso_region: "us-east-1" },
    b: { sso_start_url: "https://x.awsapps.com/start", sso_region: "us-east-1" },
    c: { sso_start_url: "https://y.awsapps.com/start" },
    d: { sso_start_url: " ", sso_region: "us-east-1" },
  };
  assert.deepEqual(ssoSources(profiles, {}).map((s) => s.origin), ["profile a"]);
});

Deno.test("ssoSources() reads what the AWS SDK's parser makes of a real config file", async () => {
  const { loadSharedConfigFiles, loadSsoSessionData } = await import("@smithy/core/config");
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/config`;
    await Deno.writeTextFile(
      file,
      "# comment\n[profile dev]\nsso_session = corp\n\n[sso-session corp]\n" +
        "sso_start_url = https://corp.awsapps.com/start\nsso_region = ap-south-1\n\n" +
        "[profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = eu-north-1\n",
    );
    const files = await loadSharedConfigFiles({
      configFilepath: file,
      filepath: `${dir}/none`,
      ignoreCache: true,
    });
    const sessions = await loadSsoSessionData({ configFilepath: file });
    assert.deepEqual(
      ssoSources(
        files.configFile as Record<string, Record<string, string>>,
        sessions as Record<string, Record<string, string>>,
      ),
      [
        {
          origin: "sso-session corp",
          startUrl: "https://corp.awsapps.com/start",
          region: "ap-south-1",
        },
        { origin: "profile old", startUrl: "https://old.awsapps.com/start", region: "eu-north-1" },
      ],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
