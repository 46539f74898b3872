import assert from "node:assert/strict";
import { runSetupCompletions } from "../../../cli/commands/setup_completions.ts";
import { UsageError } from "../../../lib/errors.ts";
import { commandServices } from "../../fakes/command_services.ts";
import { runArgv } from "./_signed_in.ts";

const BEGIN = "# BEGIN_AWS_SSO_CLI";

Deno.test("runSetupCompletions() --source prints each shell's script on stdout", async () => {
  const marks = {
    bash: /^complete -o default -C .* aws-sso$/m,
    zsh: /compinit/,
    fish: /^function aws-sso-profile --description/m,
  };
  for (const [shell, mark] of Object.entries(marks)) {
    await using t = await commandServices();
    await runSetupCompletions({ source: true, shell }, t.services);
    assert.match(t.output.stdout, mark, shell);
    assert.match(t.output.stdout, /aws-sso-profile/, shell);
    assert.equal(t.output.stderr, "", shell);
  }
  // Without --shell: $SHELL names it.
  await using t = await commandServices({ env: { SHELL: "/usr/bin/zsh" } });
  await runSetupCompletions({ source: true }, t.services);
  assert.match(t.output.stdout, /compinit/);
});

Deno.test("runSetupCompletions() --install writes the rc file once, keeps the user's lines, and --uninstall takes it out", async () => {
  await using t = await commandServices({ env: { SHELL: "/bin/bash" } });
  const rc = `${t.home}/.bashrc`;
  const mine = "alias ll='ls -l'\nexport EDITOR=vi\n";
  await Deno.writeTextFile(rc, mine);
  await runSetupCompletions({ install: true }, t.services);
  const installed = await Deno.readTextFile(rc);
  assert.ok(installed.startsWith(mine), installed);
  assert.match(
    installed,
    new RegExp(`${BEGIN}\\n[^]*complete -o default -C [^]*# END_AWS_SSO_CLI\\n$`),
  );
  assert.match(t.output.stderr, /Installed aws-sso completion for bash in ~\/\.bashrc/);
  assert.match(t.output.stderr, /please restart your shell/);

  t.output.stderr = "";
  await runSetupCompletions({ install: true }, t.next());
  assert.match(t.output.stderr, /aws-sso completion for bash is already installed and up to date/);
  assert.equal(await Deno.readTextFile(rc), installed);

  t.output.stderr = "";
  await runSetupCompletions({ uninstall: true }, t.next());
  assert.equal(await Deno.readTextFile(rc), mine);
  assert.match(t.output.stderr, /Removed aws-sso completion for bash from ~\/\.bashrc/);
  t.output.stderr = "";
  await runSetupCompletions({ uninstall: true }, t.next());
  assert.match(t.output.stderr, /aws-sso completion for bash was not installed/);
});

Deno.test("runSetupCompletions() --install honours --shell-script for zsh and the fish directory", async () => {
  await using t = await commandServices();
  const zshrc = `${t.home}/custom.zshrc`;
  await runSetupCompletions({ install: true, shell: "zsh", shellScript: zshrc }, t.services);
  assert.match(await Deno.readTextFile(zshrc), /compinit/);
  assert.equal((await Deno.stat(zshrc)).mode! & 0o777, 0o600, "a new rc file is 0600");
  await assert.rejects(Deno.stat(`${t.home}/.zshrc`), Deno.errors.NotFound);

  await runSetupCompletions({ install: true, shell: "fish", shellScript: "~/fishdir" }, t.next());
  assert.match(
    t.output.stderr,
    /Installed aws-sso completion for fish in ~\/fishdir \(\d+ files\)/,
  );
  const files: string[] = [];
  for await (const e of Deno.readDir(`${t.home}/fishdir`)) {
    if (e.isDirectory) {
      for await (const f of Deno.readDir(`${t.home}/fishdir/${e.name}`)) {
        files.push(`${e.name}/${f.name}`);
      }
    }
  }
  assert.ok(files.length > 1, files.join(", "));
  await runSetupCompletions({ uninstall: true, shell: "fish", shellScript: "~/fishdir" }, t.next());
  for (const f of files) {
    await assert.rejects(Deno.stat(`${t.home}/fishdir/${f}`), Deno.errors.NotFound, f);
  }
});

Deno.test("runSetupCompletions() needs exactly one action and a shell it supports", async () => {
  await using t = await commandServices({ env: { SHELL: "/bin/tcsh" } });
  for (const flags of [{}, { source: true, install: true }]) {
    await assert.rejects(runSetupCompletions(flags, t.services), (e) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /please specify one of --source, --install or --uninstall/);
      return true;
    });
  }
  await assert.rejects(
    runSetupCompletions({ install: true }, t.services),
    /unsupported shell: tcsh/,
  );
  await using noShell = await commandServices({ env: { SHELL: "", USER: "" } });
  await assert.rejects(
    runSetupCompletions({ source: true }, noShell.services),
    /cannot tell which shell you use: \$SHELL is not set/,
  );
  assert.equal(t.output.stdout, "");
});

Deno.test("setup completions and install-completions are wired to runSetupCompletions", async () => {
  await using t = await commandServices({ env: { SHELL: "/bin/bash" } });
  assert.equal(await runArgv(t, ["setup", "completions", "--source", "--shell", "fish"]), 0);
  assert.match(t.output.stdout, /^function aws-sso-profile/m);
  const rc = `${t.home}/my.bashrc`;
  assert.equal(await runArgv(t, ["install-completions", "--shell-script", rc]), 0);
  assert.match(await Deno.readTextFile(rc), /complete -o default -C /);
  assert.equal(await runArgv(t, ["install-completions", "--uninstall", "--shell-script", rc]), 0);
  assert.equal(await Deno.readTextFile(rc), "");
  assert.equal(await runArgv(t, ["setup", "completions", "-I", "-U"]), 2);
  assert.equal(await runArgv(t, ["setup", "completions", "--shell", "tcsh", "-I"]), 2);
});
