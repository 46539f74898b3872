/**
 * Holds the layering rules of STYLE.md so they do not erode: dependency direction, the one
 * output module, the one caller of Deno.exit, no ambient state (env, clock, TTY) in lib/ and
 * stores/, and the Go template engine (lib/go_template/) as a leaf reached only through its mod.ts.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url).pathname;

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(path: string) {
    for await (const entry of Deno.readDir(path)) {
      const full = `${path}/${entry.name}`;
      if (entry.isDirectory) await walk(full);
      else if (entry.name.endsWith(".ts")) out.push(full.slice(root.length));
    }
  }
  await walk(`${root}${dir}`);
  return out.sort();
}

function imports(text: string): { spec: string; typeOnly: boolean }[] {
  const found: { spec: string; typeOnly: boolean }[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gms;
  for (const m of text.matchAll(re)) found.push({ spec: m[3]!, typeOnly: m[2] !== undefined });
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) {
    found.push({ spec: m[1]!, typeOnly: false });
  }
  return found;
}

function resolve(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const seg of spec.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  return parts.join("/");
}

const layers = {
  cli: await sourceFiles("cli"),
  lib: await sourceFiles("lib"),
  stores: await sourceFiles("stores"),
};

Deno.test("main.ts imports only cli/", async () => {
  const text = await Deno.readTextFile(`${root}main.ts`);
  for (const { spec } of imports(text)) {
    if (!spec.startsWith(".")) continue;
    assert.ok(resolve("main.ts", spec).startsWith("cli/"), `main.ts imports ${spec}`);
  }
});

Deno.test("lib/ imports lib/ and only types from stores/backend.ts", async () => {
  for (const file of layers.lib) {
    const text = await Deno.readTextFile(root + file);
    for (const { spec, typeOnly } of imports(text)) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(file, spec);
      if (target === "stores/backend.ts") {
        assert.ok(typeOnly, `${file} imports stores/backend.ts for more than types`);
        continue;
      }
      assert.ok(target.startsWith("lib/"), `${file} imports ${target}`);
    }
  }
});

Deno.test("stores/ imports only stores/", async () => {
  for (const file of layers.stores) {
    const text = await Deno.readTextFile(root + file);
    for (const { spec } of imports(text)) {
      if (!spec.startsWith(".")) continue;
      assert.ok(resolve(file, spec).startsWith("stores/"), `${file} imports ${spec}`);
    }
  }
});

Deno.test("only cli/output.ts writes to stdout or stderr", async () => {
  for (const file of [...layers.cli, ...layers.lib, ...layers.stores]) {
    if (file === "cli/output.ts") continue;
    const text = await Deno.readTextFile(root + file);
    assert.ok(
      !/\bDeno\.(stdout|stderr)\b|\bconsole\.\w+\(/.test(text),
      `${file} writes to the terminal directly`,
    );
  }
});

Deno.test("only main.ts calls Deno.exit", async () => {
  for (const file of [...layers.cli, ...layers.lib, ...layers.stores]) {
    const text = await Deno.readTextFile(root + file);
    assert.ok(!/\bDeno\.exit\(/.test(text), `${file} calls Deno.exit`);
  }
});

Deno.test("lib/ and stores/ never read the environment, argv, the clock or a TTY directly", async () => {
  const ambient = /\bDeno\.(env|args|stdin)\b|\bDate\.now\(\)|\bnew Date\(\)|isTerminal\(\)/;
  for (const file of [...layers.lib, ...layers.stores]) {
    const text = await Deno.readTextFile(root + file);
    const line = text.split("\n").find((l) =>
      ambient.test(l) && !l.trim().startsWith("//") && !l.trim().startsWith("*")
    );
    assert.equal(line, undefined, `${file}: ${line}`);
  }
});

Deno.test("lib/go_template/ is a leaf: it imports only itself and the error base", async () => {
  const files = layers.lib.filter((f) => f.startsWith("lib/go_template/"));
  assert.ok(files.includes("lib/go_template/mod.ts"));
  for (const file of files) {
    const text = await Deno.readTextFile(root + file);
    for (const { spec } of imports(text)) {
      const target = spec.startsWith(".") ? resolve(file, spec) : spec;
      assert.ok(
        target.startsWith("lib/go_template/") || target === "lib/errors.ts",
        `${file} imports ${target}`,
      );
    }
  }
});

Deno.test("code outside lib/go_template/ imports only its mod.ts", async () => {
  for (const file of [...layers.cli, ...layers.lib, ...layers.stores]) {
    if (file.startsWith("lib/go_template/")) continue;
    const text = await Deno.readTextFile(root + file);
    for (const { spec } of imports(text)) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(file, spec);
      if (!target.startsWith("lib/go_template/")) continue;
      assert.equal(target, "lib/go_template/mod.ts", `${file} imports ${target}`);
    }
  }
});

Deno.test("every helper program starts from childEnv() with clearEnv, except exec's own command", async () => {
  for (const file of [...layers.cli, ...layers.lib, ...layers.stores]) {
    // `exec` runs the user's command with the user's environment as it is (issue 14).
    if (file === "cli/commands/exec.ts") continue;
    const text = await Deno.readTextFile(root + file);
    for (const m of text.matchAll(/new Deno\.Command\(/g)) {
      const call = text.slice(m.index, text.indexOf("})", m.index));
      assert.match(call, /env: childEnv\(/, `${file}: a child without childEnv()`);
      assert.match(call, /clearEnv: true/, `${file}: a child inherits our environment`);
    }
  }
});

Deno.test("error messages are read with errorMessage(e), never by casting to Error", async () => {
  // A cast prints "undefined" for a thrown non-Error; lib/errors.ts errorMessage() is the one
  // rule (stores/ cannot import lib/: it has no cast either).
  const tests = [...await sourceFiles("tests"), ...await sourceFiles("bench")];
  for (const file of [...layers.lib, ...layers.stores, ...layers.cli, ...tests]) {
    // errorMessage() itself, and osReason(), its twin in stores/ (which cannot import lib/).
    if (file === "lib/errors.ts" || file === "stores/backend.ts") continue;
    const text = await Deno.readTextFile(root + file);
    const line = text.split("\n").find((l) =>
      /as Error\)\.message|(\w+) instanceof Error \? \1\.message : String\(/.test(l)
    );
    assert.equal(line, undefined, `${file}: ${line}`);
  }
});

Deno.test("one error interface: both error roots implement HintedError", async () => {
  const errors = await Deno.readTextFile(`${root}lib/errors.ts`);
  const backend = await Deno.readTextFile(`${root}stores/backend.ts`);
  assert.match(errors, /class AwsSsoError extends Error implements HintedError/);
  assert.match(backend, /class StoreError extends Error implements HintedError/);
  // Every other public error class derives from one of the two roots. A folder's `_private.ts`
  // files may keep internal signals (lib/go_template/'s ParseFailure, GoCallError) that never
  // leave the folder: its mod.ts wraps them in a TemplateError.
  for (const file of [...layers.cli, ...layers.lib, ...layers.stores]) {
    if (file.split("/").at(-1)!.startsWith("_")) continue;
    const text = await Deno.readTextFile(root + file);
    for (const m of text.matchAll(/^export class (\w+) extends Error\b/gm)) {
      assert.ok(["AwsSsoError", "StoreError"].includes(m[1]!), `${file}: ${m[1]} is a third root`);
    }
  }
});
