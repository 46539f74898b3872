/**
 * A {@link Prompts} that answers from a script, for in-process tests of the commands that ask
 * questions: each question must match the next step, a `select` answer names the choice the
 * user picks, an `input` answer goes through the question's own validation (a list of answers
 * tries each: all but the last must be refused, as a user retyping after an error).
 *
 * ```ts
 * const p = scriptedPrompts([
 *   [/start URL/, ["not a url", "https://d-1.awsapps.com/start"]],
 *   [/ProfileFormat/, "Friendly"],
 *   [/Back up/, false],
 * ]);
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Choice, Prompts } from "../../cli/prompts.ts";

/** One expected question and its answer. */
export type ScriptStep = [question: RegExp, answer: string | boolean | string[]];

/** A question as it was asked. */
export interface AskedQuestion {
  kind: "confirm" | "input" | "select" | "search";
  message: string;
  /** The choices (their names) of select, the items of search. */
  choices?: string[];
  /** The default offered. */
  default?: unknown;
  /** What validation said about each refused input answer. */
  refused?: string[];
}

/** The scripted prompts, with what they were asked. */
export interface ScriptedPrompts extends Prompts {
  /** Every question asked, in order. */
  readonly asked: AskedQuestion[];
  /** Asserts every step of the script was used. */
  assertDone(): void;
}

/** Builds prompts that follow `script`. */
export function scriptedPrompts(script: ScriptStep[]): ScriptedPrompts {
  const steps = [...script];
  const asked: AskedQuestion[] = [];
  const next = (q: AskedQuestion) => {
    asked.push(q);
    const step = steps.shift();
    assert.ok(step !== undefined, `unexpected question: ${q.message}`);
    assert.match(q.message, step[0], `asked "${q.message}" instead`);
    return step[1];
  };
  return {
    asked,
    assertDone() {
      assert.deepEqual(steps.map((s) => String(s[0])), [], "questions never asked");
    },
    confirm(message, defaultValue) {
      const answer = next({ kind: "confirm", message, default: defaultValue });
      assert.equal(typeof answer, "boolean", message);
      return Promise.resolve(answer as boolean);
    },
    async input(message, options = {}) {
      const q: AskedQuestion = { kind: "input", message, default: options.default, refused: [] };
      const answer = next(q);
      const tries = Array.isArray(answer) ? answer : [answer];
      for (const [i, value] of tries.entries()) {
        assert.equal(typeof value, "string", message);
        const verdict = options.validate === undefined
          ? true
          : await options.validate(value as string);
        const last = i === tries.length - 1;
        if (last) {
          assert.equal(verdict, true, `"${value}" refused for "${message}": ${verdict}`);
          return value as string;
        }
        assert.notEqual(verdict, true, `"${value}" accepted for "${message}"`);
        q.refused!.push(verdict as string);
      }
      throw new Error("unreachable");
    },
    select<T>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T> {
      const answer = next({
        kind: "select",
        message,
        choices: choices.map((c) => c.name),
        default: defaultValue,
      });
      const picked = choices.filter((c) => c.name.includes(String(answer)));
      assert.equal(picked.length, 1, `"${answer}" names ${picked.length} choices of "${message}"`);
      return Promise.resolve(picked[0]!.value);
    },
    search(message, items, defaultValue) {
      const answer = next({ kind: "search", message, choices: [...items], default: defaultValue });
      assert.ok(items.includes(String(answer)), `"${answer}" is not offered by "${message}"`);
      return Promise.resolve(String(answer));
    },
  };
}
