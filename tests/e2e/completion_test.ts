/**
 * Shell completion for real: `setup completions --install` into a temp HOME, then bash, zsh and
 * fish run interactively under tmux, TAB is pressed, and the screen must show the completed
 * command and profile name (profile names contain `:`, which bash splits words at). Also the
 * `aws-sso-profile` / `aws-sso-clear` helpers in each shell, the COMP_LINE protocol itself, and
 * install / uninstall leaving the user's own rc file as it was.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/emulator.ts";
import { cli, credsSession, E2E } from "./_creds_session.ts";
import { tmuxOn, waitFor } from "./_tmux_run.ts";
import { baseEnv, runCli } from "./run_cli.ts";
import { errorMessage } from "../../lib/errors.ts";

const SOCKET = `aws-sso-completion-test-${Deno.pid}`;

async function which(program: string): Promise<boolean> {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    try {
      if ((await Deno.stat(`${dir}/${program}`)).isFile) return true;
    } catch {
      // not here
    }
  }
  return false;
}

const tmux = tmuxOn(SOCKET);

const SHELL_COMMANDS: Record<string, string[]> = {
  bash: ["bash", "-i"],
  zsh: ["zsh", "-i"],
  fish: ["fish"],
};

/** An interactive shell in tmux with `home` as HOME. */
async function startShell(shell: string, home: string, env: Record<string, string>) {
  const name = `${shell}${Math.floor(Math.random() * 1e9)}`;
  const all = { ...baseEnv(home), ...env, TERM: "xterm-256color", SHELL: `/bin/${shell}` };
  const envArgs = Object.entries(all).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  await tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    "200",
    "-y",
    "50",
    "-c",
    home,
    ...envArgs,
    ...SHELL_COMMANDS[shell]!,
  );
  const screen = () => tmux("capture-pane", "-p", "-t", name);
  // Ready once it runs a command (the arithmetic keeps the typed line from matching).
  const ready = shell === "fish" ? "echo READY-(math 40+2)" : "echo READY-$((40+2))";
  try {
    await tmux("send-keys", "-t", name, "-l", ready);
    await tmux("send-keys", "-t", name, "Enter");
    await waitFor(`${shell} to start`, async () => (await screen()).includes("READY-42"));
  } catch (e) {
    await tmux("kill-session", "-t", name).catch(() => "");
    throw e;
  }
  await tmux("send-keys", "-t", name, "clear", "Enter");
  return {
    screen,
    keys: (...keys: string[]) => tmux("send-keys", "-t", name, ...keys),
    /** Types `text`, presses TAB, and waits until the screen shows `expected` on a line end. */
    async complete(text: string, expected: string): Promise<void> {
      await tmux("send-keys", "-t", name, "C-u");
      await tmux("send-keys", "-t", name, "-l", text);
      await tmux("send-keys", "-t", name, "Tab");
      const re = new RegExp(`${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`, "m");
      try {
        await waitFor(`"${expected}" after TAB`, async () => re.test(await screen()), 15_000);
      } catch (e) {
        throw new Error(`${errorMessage(e)}; screen:\n${await screen()}`);
      }
      await tmux("send-keys", "-t", name, "C-u");
    },
    async close(): Promise<void> {
      await tmux("kill-session", "-t", name).catch(() => "");
    },
  };
}

for (const shell of ["bash", "zsh", "fish"]) {
  Deno.test({
    name:
      `TAB in ${shell} completes a command and a profile name, and aws-sso-profile sets the role`,
    ignore: !(await which("tmux")) || !(await which(shell)),
    ...E2E,
    async fn() {
      await using emu = await startEmulator({ accounts: 2 });
      const home = await credsSession(emu);
      const session = { close: () => Promise.resolve() };
      try {
        const cached = await cli(home, emu, ["cache"]);
        assert.equal(cached.code, 0, cached.stderr);
        const installed = await runCli(["setup", "completions", "--install", "--shell", shell], {
          home,
        });
        assert.equal(installed.code, 0, installed.stderr);
        const account = emu.accounts()[0]!;
        const profile = `${account.accountName}:AdministratorAccess`;
        const sh = await startShell(shell, home, emu.env);
        session.close = sh.close;
        await sh.complete("aws-sso se", "aws-sso setup");
        await sh.complete(
          `aws-sso exec -p ${account.accountName}:Adm`,
          `aws-sso exec -p ${profile}`,
        );
        await sh.complete(
          `aws-sso-profile ${account.accountName}:Adm`,
          `aws-sso-profile ${profile}`,
        );

        const out = `${home}/result`;
        await sh.keys("-l", `aws-sso-profile ${profile}; echo "P=$AWS_SSO_PROFILE" > ${out}`);
        await sh.keys("Enter");
        await waitFor("aws-sso-profile", async () => {
          try {
            return (await Deno.readTextFile(out)).includes("P=");
          } catch {
            return false;
          }
        });
        assert.equal((await Deno.readTextFile(out)).trim(), `P=${profile}`);
        await sh.keys("-l", `aws-sso-clear; echo "P=[$AWS_SSO_PROFILE]" > ${out}.2`);
        await sh.keys("Enter");
        await waitFor("aws-sso-clear", async () => {
          try {
            return (await Deno.readTextFile(`${out}.2`)).includes("P=");
          } catch {
            return false;
          }
        });
        assert.equal((await Deno.readTextFile(`${out}.2`)).trim(), "P=[]");
      } finally {
        await session.close();
        await removeSoon(home);
      }
    },
  });
}

/** Removes `dir`, retrying while a shell that just ended still writes its history there. */
async function removeSoon(dir: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.remove(dir, { recursive: true });
      return;
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Runs aws-sso as the shell does for completion and returns the candidates. */
async function candidates(
  home: string,
  line: string,
  bashArgs: string[] = [],
): Promise<string[]> {
  const r = await runCli(bashArgs, {
    home,
    env: { COMP_LINE: line, COMP_POINT: String(line.length) },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  return r.stdout.split("\n").filter((l) => l !== "");
}

Deno.test({
  name: "with COMP_LINE set, aws-sso prints candidates from the command tree and the role cache",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await credsSession(emu);
    try {
      assert.deepEqual(await candidates(home, "aws-sso se"), ["setup"]);
      assert.deepEqual(await candidates(home, "aws-sso setup completions --sh"), [
        "--shell",
        "--shell-script",
      ]);
      assert.deepEqual(await candidates(home, "aws-sso -S "), ["Default"]);
      assert.deepEqual(await candidates(home, "aws-sso list --sort Account"), [
        "AccountId",
        "AccountIdPad",
        "AccountName",
        "AccountAlias",
      ]);
      // No cache yet: no profile names, and no error.
      assert.deepEqual(await candidates(home, "aws-sso exec -p "), []);
      assert.equal((await cli(home, emu, ["cache"])).code, 0);
      const account = emu.accounts()[0]!;
      const names = account.roles.map((r) => `${account.accountName}:${r}`).sort();
      assert.deepEqual(await candidates(home, `aws-sso exec -p ${account.accountName}:`), names);
      // bash passes the part after the last ":" as the word: the candidates are its tails.
      assert.deepEqual(
        await candidates(home, `aws-sso exec -p ${account.accountName}:Adm`, [
          "aws-sso",
          "Adm",
          ":",
        ]),
        ["AdministratorAccess"],
      );
      assert.deepEqual(
        await candidates(home, `aws-sso console -A ${account.accountId} -R Dev`),
        ["Developer"],
      );
      assert.deepEqual(await candidates(home, "aws-sso-profile -S Def"), ["Default"]);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "setup completions --uninstall takes out only what --install put in the rc files",
  ...E2E,
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "aws-sso-test-home-" });
    try {
      const mine = "# my bashrc\nalias ll='ls -l'\nexport EDITOR=vi";
      await Deno.writeTextFile(`${home}/.bashrc`, mine);
      await Deno.writeTextFile(`${home}/.zshrc`, "# zsh\r\nsetopt autocd\r\n");
      for (const shell of ["bash", "zsh", "fish"]) {
        const install = await runCli(["setup", "completions", "-I", "--shell", shell], { home });
        assert.equal(install.code, 0, install.stderr);
        assert.match(install.stderr, /please restart your shell/);
        const again = await runCli(["setup", "completions", "-I", "--shell", shell], { home });
        assert.match(again.stderr, /already installed and up to date/);
      }
      const bashrc = await Deno.readTextFile(`${home}/.bashrc`);
      assert.ok(bashrc.startsWith(mine + "\n# BEGIN_AWS_SSO_CLI\n"));
      assert.match(await Deno.readTextFile(`${home}/.zshrc`), /\r\n# END_AWS_SSO_CLI\r\n$/);
      assert.ok((await Deno.stat(`${home}/.config/fish/functions/aws-sso-profile.fish`)).isFile);
      for (const shell of ["bash", "zsh", "fish"]) {
        const r = await runCli(["setup", "completions", "-U", "--shell", shell], { home });
        assert.equal(r.code, 0, r.stderr);
      }
      assert.equal(await Deno.readTextFile(`${home}/.bashrc`), mine + "\n");
      assert.equal(await Deno.readTextFile(`${home}/.zshrc`), "# zsh\r\nsetopt autocd\r\n");
      for (const dir of ["completions", "functions"]) {
        const left = [...Deno.readDirSync(`${home}/.config/fish/${dir}`)];
        assert.deepEqual(left, [], `fish ${dir} left empty`);
      }
      const none = await runCli(["setup", "completions"], { home });
      assert.equal(none.code, 2);
      const tcsh = await runCli(["setup", "completions", "--source"], {
        home,
        env: { SHELL: "/bin/tcsh" },
      });
      assert.equal(tcsh.code, 2);
      assert.match(tcsh.stderr, /unsupported shell: tcsh/);
      const legacy = await runCli(["install-completions", "--shell", "bash"], { home });
      assert.equal(legacy.code, 0, legacy.stderr);
      assert.match(await Deno.readTextFile(`${home}/.bashrc`), /# BEGIN_AWS_SSO_CLI\n/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "setup completions --install --shell powershell writes a managed block into $PROFILE's default place, or --shell-script",
  ...E2E,
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "aws-sso-test-home-" });
    try {
      const profile = `${home}/.config/powershell/Microsoft.PowerShell_profile.ps1`;
      await Deno.mkdir(`${home}/.config/powershell`, { recursive: true });
      const mine = "Set-PSReadLineOption -EditMode Emacs\r\n";
      await Deno.writeTextFile(profile, mine);
      // $SHELL naming pwsh picks PowerShell without --shell.
      const env = { SHELL: "/usr/bin/pwsh" };
      const install = await runCli(["setup", "completions", "--install"], { home, env });
      assert.equal(install.code, 0, install.stderr);
      assert.match(
        install.stderr,
        /Installed aws-sso completion for powershell in .*Microsoft\.PowerShell_profile\.ps1/,
      );
      const text = await Deno.readTextFile(profile);
      assert.ok(text.startsWith(mine + "# BEGIN_AWS_SSO_CLI\r\n"), text.slice(0, 200));
      assert.match(text, /Register-ArgumentCompleter -Native -CommandName aws-sso /);
      assert.match(text, /eval --format powershell -p \$Name\r\n/);
      const printed = await runCli(["setup", "completions", "--source", "--shell", "powershell"], {
        home,
      });
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, /^function aws-sso-profile \{$/m);

      const removed = await runCli(["setup", "completions", "-U"], { home, env });
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(await Deno.readTextFile(profile), mine);

      // XDG_CONFIG_HOME moves it, as it moves PowerShell's own $PROFILE; --shell-script names it.
      const xdg = await runCli(["setup", "completions", "-I", "--shell", "powershell"], {
        home,
        env: { XDG_CONFIG_HOME: `${home}/xdg` },
      });
      assert.equal(xdg.code, 0, xdg.stderr);
      assert.ok(
        (await Deno.stat(`${home}/xdg/powershell/Microsoft.PowerShell_profile.ps1`)).isFile,
      );
      const named = await runCli(
        ["setup", "completions", "-I", "--shell", "powershell", "--shell-script", "~/my.ps1"],
        { home },
      );
      assert.equal(named.code, 0, named.stderr);
      assert.match(await Deno.readTextFile(`${home}/my.ps1`), /^# BEGIN_AWS_SSO_CLI\n/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
