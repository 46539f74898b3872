/**
 * Holds what the compiled binary relies on: `deno compile` embeds the modules reachable from
 * main.ts (static imports and `import()` of string literals) plus the task's `--include` list,
 * and nothing else, so product code must not locate files next to its own source
 * (`import.meta.url` & co.), load modules by a computed name unless that module is included, or
 * import from tests/ (the emulator), bench/ or .github/.
 */
import assert from "node:assert/strict";
import { INCLUDES } from "../../.github/scripts/compile.ts";
import { COMMANDS } from "../../cli/command_registry.ts";

const root = new URL("../../", import.meta.url).pathname;

async function productFiles(): Promise<string[]> {
  const out = ["main.ts"];
  async function walk(dir: string) {
    for await (const entry of Deno.readDir(`${root}${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) out.push(path);
    }
  }
  for (const dir of ["cli", "lib", "stores"]) await walk(dir);
  return out.sort();
}

/** The source without comments, line numbers kept (block comments become blank lines). */
function code(text: string): string[] {
  const noBlocks = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "))
    // `deno fmt` may put a literal specifier on the line after `import(`: join them (line
    // numbers after such a join are off by one in messages, which is all they are used for).
    .replace(/\bimport\(\s*\n\s*/g, "import(");
  return noBlocks.split("\n").map((line) => (line.trim().startsWith("//") ? "" : line));
}

function findings(file: string, text: string, pattern: RegExp): string[] {
  return code(text).flatMap((
    line,
    i,
  ) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

/** A use of the module's own location. */
const OWN_LOCATION = /\bimport\.meta\.(url|dirname|filename|resolve)\b/;
/** An `import(` whose first argument is not a plain string literal. */
const COMPUTED_IMPORT = /\bimport\(\s*(?!["'][^"'`$]+["']\s*([,)]|$))/;

const files = await productFiles();
const texts = new Map(
  await Promise.all(
    files.map(async (f) => [f, await Deno.readTextFile(root + f)] as const),
  ),
);

Deno.test("the product files are found (main.ts, cli/, lib/, stores/)", () => {
  assert.ok(files.includes("main.ts"));
  assert.ok(files.includes("cli/app.ts"));
  assert.ok(files.some((f) => f.startsWith("lib/")));
  assert.ok(files.some((f) => f.startsWith("stores/")));
});

Deno.test("no product code locates files relative to its own source (import.meta.url & co.)", () => {
  const found = files.flatMap((f) => findings(f, texts.get(f)!, OWN_LOCATION));
  assert.deepEqual(found, [], "the compiled binary has no source tree to read from");
});

/** `import(NAME)` where `const NAME = "<relative path>"` is declared in the same file. */
function constantImports(file: string, text: string): { line: string; target?: string }[] {
  return findings(file, text, COMPUTED_IMPORT).map((line) => {
    const name = line.match(/\bimport\(\s*([A-Za-z_$][\w$]*)\s*\)/)?.[1];
    const spec = name === undefined
      ? undefined
      : text.match(new RegExp(`const\\s+${name}\\s*=\\s*["']([^"']+)["']`))?.[1];
    const target = spec === undefined
      ? undefined
      : new URL(spec, `file://${root}${file}`).pathname.slice(root.length);
    return { line, target };
  });
}

/** The one import by registry entry: cli/program.ts loading `entry.module` of COMMANDS. */
const REGISTRY_IMPORT = /^cli\/program\.ts:\d+: .*\bimport\(\s*e\.module\s*\)/;

Deno.test("every computed import() in product code loads a module the compile task includes", () => {
  const found = files.flatMap((f) => constantImports(f, texts.get(f)!))
    .filter((i) => !REGISTRY_IMPORT.test(i.line))
    .filter((i) => i.target === undefined || !INCLUDES.includes(i.target))
    .map((i) => i.line);
  assert.deepEqual(found, [], "deno compile embeds only modules it can see or is told to include");
});

Deno.test("every command module of the registry is in the compile task's --include list", () => {
  for (const entry of COMMANDS) {
    assert.ok(INCLUDES.includes(`cli/${entry.module.replace(/^\.\//, "")}`), entry.module);
  }
});

Deno.test("every module in the compile task's --include list exists", async () => {
  for (const module of INCLUDES) assert.ok((await Deno.stat(root + module)).isFile, module);
});

Deno.test("product code starts no workers (they would need --include in the compile task)", () => {
  const found = files.flatMap((f) => findings(f, texts.get(f)!, /\bnew\s+Worker\s*\(/));
  assert.deepEqual(found, []);
});

Deno.test("product code imports nothing from tests/, bench/ or .github/", () => {
  const found: string[] = [];
  let checked = 0;
  for (const file of files) {
    const lines = code(texts.get(file)!);
    lines.forEach((line, i) => {
      for (
        const m of line.matchAll(/(?:from\s+|import\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g)
      ) {
        const target = new URL(m[1]!, `file://${root}${file}`).pathname.slice(root.length);
        checked++;
        if (!/^(cli|lib|stores)\//.test(target)) found.push(`${file}:${i + 1}: ${target}`);
      }
    });
  }
  assert.ok(checked > files.length, `only ${checked} relative imports seen`);
  assert.deepEqual(found, []);
});

Deno.test("the source scan catches what it is meant to catch", () => {
  const sample = [
    "// import.meta.url in a comment is fine",
    "const t = await Deno.readTextFile(new URL('./t.txt', import.meta.url));",
    "const m = await import(`./commands/${name}.ts`);",
    "const ok = await import('./commands/list.ts');",
  ].join("\n");
  assert.deepEqual(findings("x.ts", sample, OWN_LOCATION), [
    "x.ts:2: const t = await Deno.readTextFile(new URL('./t.txt', import.meta.url));",
  ]);
  assert.deepEqual(findings("x.ts", sample, COMPUTED_IMPORT), [
    "x.ts:3: const m = await import(`./commands/${name}.ts`);",
  ]);
});
