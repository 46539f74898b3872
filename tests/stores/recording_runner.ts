/**
 * A CommandRunner fake that records every call and answers through a handler.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { CommandResult, CommandRunner } from "../../stores/backend.ts";

/** One recorded call. */
export interface RecordedCall {
  command: string;
  args: string[];
  stdin?: Uint8Array;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Builds a result from text. */
export function result(code: number, stdout: string | Uint8Array = "", stderr = ""): CommandResult {
  const enc = new TextEncoder();
  return {
    code,
    stdout: typeof stdout === "string" ? enc.encode(stdout) : stdout,
    stderr: enc.encode(stderr),
  };
}

/** Records calls; `handler` plays the programs, `installed` says what `available()` finds. */
export class RecordingRunner implements CommandRunner {
  /** Every call in order. */
  readonly calls: RecordedCall[] = [];
  readonly #handler: (call: RecordedCall) => CommandResult | Promise<CommandResult>;
  readonly #installed: Set<string>;

  constructor(
    handler: (call: RecordedCall) => CommandResult | Promise<CommandResult>,
    installed: Iterable<string> = [],
  ) {
    this.#handler = handler;
    this.#installed = new Set(installed);
  }

  run(
    command: string,
    args: string[],
    options: { stdin?: Uint8Array; env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<CommandResult> {
    const call: RecordedCall = { command, args: [...args], ...options };
    this.calls.push(call);
    return Promise.resolve(this.#handler(call));
  }

  available(command: string): Promise<boolean> {
    return Promise.resolve(this.#installed.has(command));
  }

  /** Asserts `secret` appears in no argument or environment value of any call. */
  assertNeverOnArgv(secret: string): void {
    for (const call of this.calls) {
      const visible = [call.command, ...call.args, ...Object.values(call.env ?? {})].join("\n");
      assert.ok(!visible.includes(secret), `secret on argv of ${call.command} ${call.args[0]}`);
    }
  }
}
