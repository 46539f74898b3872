import assert from "node:assert/strict";
import { runTime } from "../../../cli/commands/time.ts";
import { AwsSsoError } from "../../../lib/errors.ts";
import { commandServices, manualClock } from "../../fakes/command_services.ts";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

Deno.test("runTime() prints the time left on the shell's credentials, without a newline", async () => {
  for (
    const [expiration, shown] of [
      ["2026-01-01T17:05:00Z", "5h5m"],
      ["2026-01-01T12:45:30+00:00", "45m"],
      ["2026-01-01T12:00:30Z", "< 1m"],
      ["2026-01-01T11:00:00Z", "Expired"],
    ]
  ) {
    await using t = await commandServices({
      env: { AWS_SSO_SESSION_EXPIRATION: expiration! },
      clock: manualClock(NOW),
    });
    runTime(t.services);
    assert.equal(t.output.stdout, shown, expiration);
    assert.equal(t.output.stderr, "");
  }
});

Deno.test("runTime() outside an aws-sso shell, or with a bad time, is an error", async () => {
  await using t = await commandServices({ clock: manualClock(NOW) });
  assert.throws(() => runTime(t.services), (e) => {
    assert.ok(e instanceof AwsSsoError);
    assert.match(e.message, /not in an aws-sso shell/);
    assert.match(e.hints.join("\n"), /aws-sso exec/);
    return true;
  });
  await using bad = await commandServices({ env: { AWS_SSO_SESSION_EXPIRATION: "tomorrow" } });
  assert.throws(() => runTime(bad.services), /unable to parse AWS_SSO_SESSION_EXPIRATION=tomorrow/);
  assert.equal(t.output.stdout + bad.output.stdout, "");
});
