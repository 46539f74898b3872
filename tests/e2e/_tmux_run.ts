/**
 * Runs `aws-sso <args>` in a real terminal (tmux) for the interactive setup tests: wait for
 * text on the screen, type answers, read the exit status.
 */
import { baseEnv } from "./run_cli.ts";
import { errorMessage } from "../../lib/errors.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const SOCKET = `aws-sso-tmux-run-${Deno.pid}`;

/** True when tmux can run here. */
export async function hasTmux(): Promise<boolean> {
  try {
    return (await new Deno.Command("tmux", { args: ["-V"], stdout: "null" }).output()).success;
  } catch {
    return false;
  }
}

/** A `tmux` runner on its own server socket (each test file keeps its sessions apart). */
export function tmuxOn(socket: string): (...args: string[]) => Promise<string> {
  return async (...args) => {
    const out = await new Deno.Command("tmux", {
      args: ["-L", socket, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    return new TextDecoder().decode(out.stdout);
  };
}

const tmux = tmuxOn(SOCKET);

/**
 * Polls `probe` every 100 ms until it answers something other than `false` / `undefined`, and
 * returns that; throws after `ms`.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | false | undefined>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A program running in tmux. */
export interface TmuxRun {
  /** The visible screen. */
  screen(): Promise<string>;
  /** Waits for `text` on the screen, then sends `keys` (Enter, Down, Up, C-u, or literal text). */
  answer(text: string | RegExp, ...keys: string[]): Promise<void>;
  /** Waits for the program to end and returns its exit status. */
  status(): Promise<number>;
  /** Ends the tmux session. */
  close(): Promise<void>;
}

const NAMED_KEYS = new Set(["Enter", "Down", "Up", "C-u", "C-c", "Tab"]);

/** Runs `aws-sso <args>` in tmux with `home` as HOME (stdout stays on the terminal). */
export async function startInTmux(
  home: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<TmuxRun> {
  const name = `r${Math.floor(Math.random() * 1e9)}`;
  const all = { ...baseEnv(home), ...env, TERM: "xterm-256color" };
  const envArgs = Object.entries(all).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  const status = `${home}/.tmux-run-status-${name}`;
  const command = `deno run -A -q ${MAIN} ${args.join(" ")}; echo $? > ${status}; sleep 600`;
  await tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    "160",
    "-y",
    "45",
    ...envArgs,
    "sh",
    "-c",
    command,
  );
  const screen = () => tmux("capture-pane", "-p", "-t", name);
  return {
    screen,
    async answer(text, ...keys) {
      try {
        await waitFor(`${text}`, async () => {
          const s = await screen();
          return typeof text === "string" ? s.includes(text) : text.test(s);
        });
      } catch (e) {
        throw new Error(`${errorMessage(e)}; screen:\n${await screen()}`);
      }
      for (const k of keys) {
        await (NAMED_KEYS.has(k)
          ? tmux("send-keys", "-t", name, k)
          : tmux("send-keys", "-t", name, "-l", k));
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async status() {
      let text = "";
      await waitFor("the program to end", async () => {
        try {
          text = await Deno.readTextFile(status);
          return text.trim() !== "";
        } catch {
          return false;
        }
      });
      return Number(text.trim());
    },
    async close() {
      await tmux("kill-session", "-t", name).catch(() => "");
    },
  };
}
