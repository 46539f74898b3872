/**
 * The role picker in a real terminal: tmux runs tests/e2e/pick_role_script.ts, send-keys types,
 * capture-pane reads the screen. stdout goes to a file (as inside `$(...)`), the picker draws on
 * stderr, which stays on the terminal.
 */
import assert from "node:assert/strict";
import { tmuxOn, waitFor } from "./_tmux_run.ts";
import { baseEnv } from "./run_cli.ts";
import { generatedRoles } from "./pick_role_script.ts";

const SCRIPT = new URL("./pick_role_script.ts", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;
const SOCKET = `aws-sso-picker-test-${Deno.pid}`;

const tmux = tmuxOn(SOCKET);

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}

interface Session {
  dir: string;
  screen(): Promise<string>;
  keys(...keys: string[]): Promise<void>;
  /** Waits for the program to end: its exit status, stdout, and `stty -a` afterwards. */
  finished(): Promise<{ status: number; stdout: string; stty: string }>;
  close(): Promise<void>;
}

/**
 * Starts the picker over `count` roles (`recent` = indexes of recently used ones) in tmux, with
 * `settings` (config.yaml lines) when given.
 */
async function startPicker(
  count: number,
  recent: number[] = [],
  capture = false,
  settings?: string,
): Promise<Session> {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-picker-" });
  if (settings !== undefined) {
    await Deno.mkdir(`${dir}/.config/aws-sso`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/.config/aws-sso/config.yaml`,
      "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n" +
        "    StartUrl: https://example.awsapps.com/start\n" + settings,
    );
  }
  const name = `p${Math.floor(Math.random() * 1e9)}`;
  const run = `deno run -A --quiet ${SCRIPT} ${count} ${recent.join(" ")}`;
  // In `$(...)` form the chosen ARN must still reach the variable: the picker uses stderr only.
  const body = capture
    ? `X=$(${run}); echo $? > ${dir}/status; printf '%s\\n' "$X" > ${dir}/out`
    : `${run} > ${dir}/out; echo $? > ${dir}/status`;
  const shell = `cd ${ROOT}; ${body}; stty -a > ${dir}/stty; sleep 600`;
  const env = { ...baseEnv(dir), TERM: "xterm-256color" };
  const envArgs = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  await tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    "160",
    "-y",
    "40",
    ...envArgs,
    "sh",
    "-c",
    shell,
  );
  const session: Session = {
    dir,
    screen: () => tmux("capture-pane", "-p", "-t", name),
    async keys(...keys) {
      await tmux("send-keys", "-t", name, ...keys);
    },
    async finished() {
      const status = await waitFor("the picker to exit", () => readIfExists(`${dir}/stty`));
      return {
        status: Number((await Deno.readTextFile(`${dir}/status`)).trim()),
        stdout: (await readIfExists(`${dir}/out`)) ?? "",
        stty: status,
      };
    },
    async close() {
      await tmux("kill-session", "-t", name).catch(() => {});
      await Deno.remove(dir, { recursive: true });
    },
  };
  await waitFor("the prompt", async () => {
    const screen = await session.screen();
    return screen.includes("Select a role") && screen.includes("❯") ? true : undefined;
  });
  return session;
}

function screenShows(session: Session, text: RegExp) {
  return waitFor(`the screen to show ${text}`, async () => {
    const screen = await session.screen();
    return text.test(screen) ? screen : undefined;
  });
}

function assertSaneTerminal(stty: string): void {
  assert.match(stty, /(^|\s)icanon(\s|$)/, "canonical mode restored");
  assert.match(stty, /(^|\s)echo(\s|$)/, "echo restored");
}

const roles = generatedRoles(10_000);
const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "the picker filters as the user types and Enter picks the highlighted role",
  ...opts,
  async fn() {
    const s = await startPicker(40);
    try {
      await s.keys("stag 0007 read");
      await screenShows(s, /❯ staging-0007:ReadOnlyAccess/);
      await s.keys("Enter");
      const done = await s.finished();
      assert.equal(done.status, 0);
      assert.equal(done.stdout, `${roles[15]!.Arn}\n`);
      assertSaneTerminal(done.stty);
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name: "the picker lists recently used roles first and moves with the arrow keys",
  ...opts,
  async fn() {
    const s = await startPicker(40, [9, 3]);
    try {
      const screen = await screenShows(s, /❯ security-0004:ReadOnlyAccess/);
      const lines = screen.split("\n").filter((l) => /:(Administrator|ReadOnly)Access/.test(l));
      assert.match(lines[1]!, /staging-0001:ReadOnlyAccess/, "second most recent next");
      assert.match(lines[2]!, /production-0000:AdministratorAccess/, "then the rest in order");
      await s.keys("Down");
      await screenShows(s, /❯ staging-0001:ReadOnlyAccess/);
      await s.keys("Down", "Down", "Up");
      await screenShows(s, /❯ production-0000:AdministratorAccess/);
      await s.keys("Enter");
      const done = await s.finished();
      assert.equal(done.status, 0);
      assert.equal(done.stdout, `${roles[0]!.Arn}\n`);
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name: "the picker works inside $(...): the choice reaches the variable, the screen stays clean",
  ...opts,
  async fn() {
    const s = await startPicker(20, [], true);
    try {
      await s.keys("prod read");
      await screenShows(s, /❯ production-0000:ReadOnlyAccess/);
      await s.keys("Enter");
      const done = await s.finished();
      assert.equal(done.status, 0);
      assert.equal(done.stdout, `${roles[1]!.Arn}\n`);
      assert.ok(!(await s.screen()).includes("Select a role"), "the prompt is cleared when done");
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name: "Ctrl-C in the picker exits 130 and leaves the terminal as it was",
  ...opts,
  async fn() {
    const s = await startPicker(10);
    try {
      await s.keys("sec");
      await screenShows(s, /Select a role.*sec/);
      await s.keys("C-c");
      const done = await s.finished();
      assert.equal(done.status, 130);
      assert.equal(done.stdout, "");
      assertSaneTerminal(done.stty);
      const screen = await s.screen();
      assert.match(screen, /Cancelled/);
      assert.ok(!screen.includes("❯"), "no picker left on screen");
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name: "the picker stays responsive with 10,000 roles",
  ...opts,
  async fn() {
    const started = Date.now();
    const s = await startPicker(10_000);
    try {
      const shown = Date.now() - started;
      const typed = Date.now();
      await s.keys("secu 0418 adm");
      await screenShows(s, /❯ security-0418:AdministratorAccess/);
      const filtered = Date.now() - typed;
      // Generous bounds for a loaded CI machine; typical figures are ~0.5 s and ~0.4 s.
      assert.ok(shown < 8_000, `prompt after ${shown} ms`);
      assert.ok(filtered < 4_000, `filtered after ${filtered} ms`);
      await s.keys("Enter");
      assert.equal((await s.finished()).stdout, `${roles[836]!.Arn}\n`);
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name:
    "the picker narrows by typed `key value` tag pairs, offers values with counts, and Enter picks",
  ...opts,
  async fn() {
    const s = await startPicker(40, [], false, "FirstTag: team\n");
    try {
      // A key being typed is offered (with its counts); Enter completes it.
      await s.keys("Accou");
      await screenShows(s, /❯ AccountAlias\s*$/m);
      await screenShows(s, /40 roles\/20 choices/);
      await s.keys("Enter");
      await screenShows(s, /Select a role.*AccountAlias\s*$/m);
      // Its values with their role counts; a partial value narrows them.
      await s.keys("staging-000");
      await screenShows(s, /❯ AccountAlias staging-0001/);
      await screenShows(s, /2 roles/);
      await s.keys("7", "Space", "Role", "Space");
      const screen = await screenShows(s, /❯ AccountAlias staging-0007 Role AdministratorAccess/);
      assert.match(screen, /AccountAlias staging-0007 Role ReadOnlyAccess/);
      assert.match(
        screen,
        /arn:aws:iam::100000055433:role\/AdministratorAccess/,
        "one role: its ARN",
      );
      assert.doesNotMatch(screen, /staging-0001:/, "other accounts' roles are gone");
      await s.keys("ReadOnlyAccess");
      // An exact value needs no offer: the one role left is highlighted.
      await screenShows(s, /❯ staging-0007:ReadOnlyAccess/);
      await screenShows(s, /^arn:aws:iam::100000055433:role\/ReadOnlyAccess/m);
      await s.keys("Enter");
      const done = await s.finished();
      assert.equal(done.status, 0);
      assert.equal(done.stdout, `${roles[15]!.Arn}\n`);
      assertSaneTerminal(done.stty);
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name: "the picker takes `AccountAlias x Role y` typed in one go, and FirstTag leads the keys",
  ...opts,
  async fn() {
    const s = await startPicker(40, [], false, "FirstTag: team\n");
    try {
      await s.keys("a");
      const keys = await screenShows(s, /❯ team\s*$/m);
      assert.ok(keys.indexOf("team") < keys.indexOf("AccountAlias"), "FirstTag first");
      await s.keys("BSpace", "AccountAlias production-0006 Role AdministratorAccess");
      await screenShows(s, /❯ production-0006:AdministratorAccess/);
      await s.keys("Enter");
      const done = await s.finished();
      assert.equal(done.status, 0);
      assert.equal(done.stdout, `${roles[12]!.Arn}\n`);
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name:
    "with FullTextSearch: false the picker matches by prefix only; a bad PromptColors name is a warning",
  ...opts,
  async fn() {
    const s = await startPicker(
      40,
      [],
      false,
      "FullTextSearch: false\nPromptColors:\n  InputTextColor: Mauve\n  SelectedSuggestionBGColor: DarkGray\n",
    );
    try {
      // An unknown colour name is ignored with a warning; known ones are taken silently.
      const start = await s.screen();
      assert.match(start, /PromptColors: unknown colour 'Mauve' for InputTextColor ignored/);
      assert.doesNotMatch(start, /SelectedSuggestionBGColor/);
      // "0007" is inside "staging-0007" but starts no field: nothing.
      await s.keys("0007");
      await screenShows(s, /No results found/);
      await s.keys("BSpace", "BSpace", "BSpace", "BSpace", "stag read");
      const screen = await screenShows(s, /❯ staging-0001:ReadOnlyAccess/);
      assert.doesNotMatch(screen, /production-|AdministratorAccess/);
      // Described by the first AccountPrimaryTag it has (AccountName, AccountAlias, Email).
      assert.match(screen, /AccountAlias:staging-0001 {2}arn:aws:iam::\d{12}:role\/ReadOnlyAccess/);
      // Tag values by prefix too: "Role only" offers nothing, "Role read" offers ReadOnlyAccess.
      await s.keys("C-u", "Role only");
      await screenShows(s, /No results found/);
      await s.keys("C-u", "Role read");
      await screenShows(s, /❯ Role ReadOnlyAccess/);
      await s.keys("Enter");
      await screenShows(s, /Select a role.*: Role ReadOnlyAccess\s*$/m);
      await s.keys("AccountAlias security-0004 ");
      await screenShows(s, /❯ security-0004:ReadOnlyAccess/);
      await s.keys("Enter");
      const done = await s.finished();
      assert.equal(done.status, 0);
      assert.equal(done.stdout, `${roles[9]!.Arn}\n`);
    } finally {
      await s.close();
    }
  },
});

Deno.test("the picker fails at once, naming the flags, when stdin is not a terminal", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", SCRIPT, "5"],
    env: baseEnv("/tmp"),
    clearEnv: true,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.equal(new TextDecoder().decode(out.stdout), "");
  const stderr = new TextDecoder().decode(out.stderr);
  assert.match(stderr, /stdin is not a terminal/);
  assert.match(stderr, /--profile <name>, --arn <arn>, or --account <id> and --role <name>/);
});

addEventListener("unload", () => {
  new Deno.Command("tmux", { args: ["-L", SOCKET, "kill-server"], stderr: "null" }).outputSync();
});
