import assert from "node:assert/strict";
import { runPaths } from "../../cli/host.ts";
import { homeDir } from "../../lib/paths.ts";

Deno.test("homeDir() takes HOME, else USERPROFILE, and no empty value", () => {
  assert.equal(homeDir({ HOME: "/home/me", USERPROFILE: "C:\\Users\\me" }), "/home/me");
  assert.equal(homeDir({ USERPROFILE: "C:\\Users\\me" }), "C:\\Users\\me");
  assert.equal(homeDir({ HOME: "" }), undefined);
  assert.equal(homeDir({}), undefined);
});

Deno.test("runPaths() resolves XDG, --config and AWS_CONFIG_FILE from the environment", async () => {
  const home = await Deno.makeTempDir();
  try {
    assert.equal(runPaths({}, undefined), undefined);
    const paths = runPaths(
      { HOME: home, XDG_CONFIG_HOME: `${home}/xdg`, AWS_CONFIG_FILE: "~/aws.ini" },
      "~/my.yaml",
    )!;
    assert.equal(paths.configDir, `${home}/xdg/aws-sso`);
    assert.equal(paths.configFile, `${home}/my.yaml`);
    assert.equal(paths.awsConfigFile, `${home}/aws.ini`);
    // An existing ~/.aws-sso wins over XDG (the directory probe is real).
    await Deno.mkdir(`${home}/.aws-sso`);
    assert.equal(
      runPaths({ HOME: home, XDG_CONFIG_HOME: `${home}/xdg` }, undefined)!.configDir,
      `${home}/.aws-sso`,
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
