/**
 * The terminal for login messages and prompts (docs/design.md §2.1): when stderr is captured (as
 * under `credential_process`), messages the user must see — the login URL, the device code,
 * password prompts — go to the controlling terminal (`/dev/tty`) if there is one, else to stderr.
 * Input comes from stdin when it is a terminal, else from the controlling terminal.
 *
 * @module
 */
import { CancelledError } from "../lib/errors.ts";
import type { LineReader } from "../lib/sso/login_flow.ts";
import { type Context, ServiceSlot } from "./context.ts";

/** Where prompts and must-see messages go, and where answers come from. */
export interface PromptTerminal {
  /** Writes `text` where the user sees it (stderr, or the terminal when stderr is captured). */
  notice(text: string): void;
  /** True when there is a terminal to read answers from. */
  readonly canPrompt: boolean;
  /** A reader of typed lines, or `undefined` without a terminal. */
  lineReader(): LineReader | undefined;
  /** Asks for a secret without echo; `undefined` without a terminal or at end of input. */
  readSecret(prompt: string): Promise<string | undefined>;
}

interface Input {
  read(p: Uint8Array): Promise<number | null>;
  setRaw(mode: boolean): void;
}

const windows = Deno.build.os === "windows";
const TTY_IN = windows ? "CONIN$" : "/dev/tty";
const TTY_OUT = windows ? "CONOUT$" : "/dev/tty";

function writeAllSync(file: Deno.FsFile, text: string): void {
  const data = new TextEncoder().encode(text);
  let offset = 0;
  while (offset < data.length) offset += file.writeSync(data.subarray(offset));
}

class Terminal implements PromptTerminal {
  readonly #ctx: Context;
  #ttyOut: Deno.FsFile | null | undefined;
  #input: Input | null | undefined;
  #buffer = new Uint8Array(0);

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  notice(text: string): void {
    const masked = this.#ctx.secrets.mask(text);
    if (!this.#ctx.output.stderrIsTerminal) {
      const tty = this.#openTtyOut();
      if (tty !== null) {
        try {
          writeAllSync(tty, masked);
          return;
        } catch {
          // The terminal went away: fall back to stderr.
        }
      }
    }
    this.#ctx.output.err(masked);
  }

  get canPrompt(): boolean {
    return this.#openInput() !== null;
  }

  lineReader(): LineReader | undefined {
    if (this.#openInput() === null) return undefined;
    return { readLine: () => this.#readLine() };
  }

  async readSecret(prompt: string): Promise<string | undefined> {
    const input = this.#openInput();
    if (input === null) return undefined;
    // Echo off before the prompt shows: an answer typed right after it must not be echoed.
    input.setRaw(true);
    const bytes: number[] = [];
    try {
      this.notice(prompt);
      const chunk = new Uint8Array(256);
      while (true) {
        const n = await input.read(chunk);
        if (n === null) return bytes.length === 0 ? undefined : decode(bytes);
        for (const b of chunk.subarray(0, n)) {
          if (b === 0x03) throw new CancelledError();
          if (b === 0x0d || b === 0x0a) return decode(bytes);
          if (b === 0x04) {
            if (bytes.length === 0) return undefined;
            return decode(bytes);
          }
          if (b === 0x7f || b === 0x08) {
            // Remove one whole UTF-8 character.
            while (bytes.length > 0 && ((bytes[bytes.length - 1]! & 0xc0) === 0x80)) bytes.pop();
            bytes.pop();
          } else if (b === 0x15) {
            bytes.length = 0;
          } else if (b >= 0x20 || b === 0x09) {
            bytes.push(b);
          }
        }
      }
    } finally {
      input.setRaw(false);
      this.notice("\n");
    }
  }

  async #readLine(): Promise<string | undefined> {
    const input = this.#openInput();
    if (input === null) return undefined;
    while (true) {
      const nl = this.#buffer.indexOf(0x0a);
      if (nl >= 0) {
        const line = new TextDecoder().decode(this.#buffer.subarray(0, nl));
        this.#buffer = this.#buffer.slice(nl + 1);
        return line.replace(/\r$/, "");
      }
      const chunk = new Uint8Array(4096);
      const n = await input.read(chunk);
      if (n === null) {
        if (this.#buffer.length === 0) return undefined;
        const rest = new TextDecoder().decode(this.#buffer);
        this.#buffer = new Uint8Array(0);
        return rest;
      }
      const merged = new Uint8Array(this.#buffer.length + n);
      merged.set(this.#buffer);
      merged.set(chunk.subarray(0, n), this.#buffer.length);
      this.#buffer = merged;
    }
  }

  #openTtyOut(): Deno.FsFile | null {
    if (this.#ttyOut === undefined) {
      try {
        this.#ttyOut = Deno.openSync(TTY_OUT, { write: true });
      } catch {
        this.#ttyOut = null;
      }
    }
    return this.#ttyOut;
  }

  #openInput(): Input | null {
    if (this.#input === undefined) {
      if (this.#ctx.output.stdinIsTerminal) {
        this.#input = {
          read: (p) => Deno.stdin.read(p),
          setRaw: (mode) => Deno.stdin.setRaw(mode),
        };
      } else {
        try {
          const file = Deno.openSync(TTY_IN, { read: true });
          if (file.isTerminal()) {
            this.#input = { read: (p) => file.read(p), setRaw: (mode) => file.setRaw(mode) };
          } else {
            file.close();
            this.#input = null;
          }
        } catch {
          this.#input = null;
        }
      }
    }
    return this.#input;
  }
}

function decode(bytes: number[]): string {
  return new TextDecoder().decode(new Uint8Array(bytes));
}

const PROMPT_TERMINAL = new ServiceSlot<PromptTerminal>("prompt terminal");

/** The run's prompt terminal (one per run). */
export function promptTerminal(ctx: Context): PromptTerminal {
  return ctx.service(PROMPT_TERMINAL, () => new Terminal(ctx));
}
