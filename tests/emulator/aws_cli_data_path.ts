/**
 * Points the AWS CLI v2 at an emulator for its own SSO login and credential providers. CLI 2.9
 * ignores `AWS_ENDPOINT_URL_*` (that came in 2.13), so this writes a copy of botocore's endpoint
 * rule sets for sso, sso-oidc and sts whose first rule unconditionally answers the emulator's URL;
 * set `AWS_DATA_PATH` to the returned folder.
 *
 * @module
 */

const BOTOCORE_DATA = "/usr/lib/python3/dist-packages/awscli/botocore/data";

/**
 * Writes the rule-set overrides under `dir` (a new temp dir unless given) and returns the folder
 * to use as `AWS_DATA_PATH`. Throws when botocore's data is not installed.
 */
export async function createAwsCliDataPath(emulatorUrl: string, dir?: string): Promise<string> {
  const root = dir ?? await Deno.makeTempDir({ prefix: "aws-sso-emu-data-" });
  for (const service of ["sso", "sso-oidc", "sts"]) {
    for await (const version of Deno.readDir(`${BOTOCORE_DATA}/${service}`)) {
      if (!version.isDirectory) continue;
      const source = `${BOTOCORE_DATA}/${service}/${version.name}/endpoint-rule-set-1.json`;
      const ruleSet = JSON.parse(await Deno.readTextFile(source));
      ruleSet.rules.unshift({
        conditions: [],
        endpoint: { url: emulatorUrl, properties: {}, headers: {} },
        type: "endpoint",
      });
      const target = `${root}/${service}/${version.name}`;
      await Deno.mkdir(target, { recursive: true });
      await Deno.writeTextFile(`${target}/endpoint-rule-set-1.json`, JSON.stringify(ruleSet));
    }
  }
  return root;
}
