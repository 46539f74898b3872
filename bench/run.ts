/**
 * `deno task bench`: whole-process benchmarks with hyperfine (Debian package `hyperfine`) and
 * peak memory with GNU time, written to bench/RESULTS.md with the machine description. All
 * commands of a scenario are timed in one hyperfine run, so their ratios come from one run.
 *
 *   deno task bench [--runs N] [--only <substring of a scenario name>]
 *
 * @module
 */
import type { BenchCommand, BenchScenario, BenchSetup } from "./scenario.ts";
import { scenarios as listAndCache } from "./scenarios/list_and_cache.ts";
import { scenarios as processAndEval } from "./scenarios/process_and_eval.ts";

const ALL: BenchScenario[] = [...processAndEval, ...listAndCache];
const RESULTS = new URL("./RESULTS.md", import.meta.url).pathname;

interface Timing {
  command: BenchCommand;
  medianMs: number;
  meanMs: number;
  stddevMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
  peakRssMb?: number;
  failures: number;
}

function say(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

async function text(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "";
  }
}

async function machine(): Promise<string> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => ""))
    .match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown CPU";
  const memKb = Number(
    (await Deno.readTextFile("/proc/meminfo").catch(() => "")).match(/MemTotal:\s*(\d+)/)?.[1] ??
      0,
  );
  const os = (await Deno.readTextFile("/etc/os-release").catch(() => ""))
    .match(/PRETTY_NAME="?([^"\n]*)/)?.[1] ?? Deno.build.os;
  return [
    `- CPU: ${cpu}, ${navigator.hardwareConcurrency} cores; memory ${
      Math.round(memKb / 1024 / 1024)
    } GiB`,
    `- OS: ${os}, kernel ${await text("uname", ["-r"])}`,
    `- Deno ${Deno.version.deno} (V8 ${Deno.version.v8}); ${await text("hyperfine", [
      "--version",
    ])}`,
    `- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  ].join("\n");
}

async function peakRss(command: string, env: Record<string, string>): Promise<number | undefined> {
  const [program, ...args] = command.split(" ");
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const out = await new Deno.Command("/usr/bin/time", {
      args: ["-f", "%M", program!, ...args],
      env,
      clearEnv: true,
      stdout: "null",
      stderr: "piped",
    }).output().catch(() => undefined);
    const kb = Number(
      new TextDecoder().decode(out?.stderr ?? new Uint8Array()).trim().split("\n").at(-1),
    );
    if (Number.isFinite(kb) && kb > 0) samples.push(kb);
  }
  return samples.length === 0 ? undefined : Math.max(...samples) / 1024;
}

async function time(setup: BenchSetup, runsDefault: number): Promise<Timing[]> {
  const json = await Deno.makeTempFile({ suffix: ".json" });
  const runs = setup.runs ?? runsDefault;
  const args = [
    "-N",
    "--warmup",
    "3",
    "--runs",
    String(runs),
    "--ignore-failure",
    "--export-json",
    json,
    ...setup.commands.flatMap((c) => ["--command-name", c.name, c.command]),
  ];
  const out = await new Deno.Command("hyperfine", {
    args,
    env: setup.env,
    clearEnv: true,
    stdout: "null",
    stderr: "inherit",
  }).output();
  if (out.code !== 0) throw new Error("hyperfine failed");
  const report = JSON.parse(await Deno.readTextFile(json)) as {
    results: {
      command: string;
      median: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      times: number[];
      exit_codes: number[];
    }[];
  };
  await Deno.remove(json);
  const timings: Timing[] = [];
  for (const [i, r] of report.results.entries()) {
    const command = setup.commands[i]!;
    timings.push({
      command,
      medianMs: r.median * 1000,
      meanMs: r.mean * 1000,
      stddevMs: r.stddev * 1000,
      minMs: r.min * 1000,
      maxMs: r.max * 1000,
      runs: r.times.length,
      failures: r.exit_codes.filter((c) => c !== 0).length,
      peakRssMb: await peakRss(command.command, setup.env),
    });
  }
  return timings;
}

function goalVerdict(t: Timing, all: Timing[], baseline?: Timing): string {
  const g = t.command.goal;
  if (g === undefined) return "";
  const parts: string[] = [];
  if (g.maxMedianMs !== undefined) {
    parts.push(`≤ ${g.maxMedianMs} ms: ${t.medianMs <= g.maxMedianMs ? "met" : "MISSED"}`);
  }
  if (g.maxRatioToBaseline !== undefined && baseline !== undefined) {
    const ratio = t.medianMs / baseline.medianMs;
    parts.push(
      `≤ ${g.maxRatioToBaseline}x floor: ${ratio <= g.maxRatioToBaseline ? "met" : "MISSED"}`,
    );
  }
  if (g.fasterThan !== undefined) {
    const other = all.find((o) => o.command.name === g.fasterThan!.command);
    if (other !== undefined) {
      const factor = other.medianMs / t.medianMs;
      parts.push(
        `≥ ${g.fasterThan.factor}x faster than ${other.command.name}: ${factor.toFixed(1)}x, ${
          factor >= g.fasterThan.factor ? "met" : "MISSED"
        }`,
      );
    }
  }
  if (t.failures > 0) parts.push(`${t.failures} FAILED runs`);
  return parts.join("; ");
}

const only = flag("--only");
const runs = Number(flag("--runs") ?? "30");
const sections: string[] = [];
for (const scenario of ALL) {
  if (only !== undefined && !scenario.name.includes(only)) continue;
  say(`== ${scenario.name}`);
  const setup = await scenario.setup();
  try {
    const timings = await time(setup, runs);
    const baseline = timings.find((t) => t.command.name === setup.baseline);
    const rows = timings.map((t) => {
      const ratio = baseline === undefined ? "" : `${(t.medianMs / baseline.medianMs).toFixed(2)}x`;
      return `| ${t.command.name} | ${t.medianMs.toFixed(1)} | ${t.minMs.toFixed(1)} | ${
        t.maxMs.toFixed(1)
      } | ${ratio} | ${t.peakRssMb?.toFixed(1) ?? "?"} | ${t.runs} | ${
        goalVerdict(t, timings, baseline)
      } |`;
    });
    sections.push(
      `## ${scenario.name}\n\n| command | median ms | min ms | max ms | vs ${
        setup.baseline ?? "-"
      } | peak RSS MB | runs | goal |\n|---|---|---|---|---|---|---|---|\n${rows.join("\n")}\n`,
    );
  } finally {
    await setup.cleanup();
  }
}

const body = `# Benchmark results

Whole-process timings with hyperfine (\`-N\`, 3 warm-up runs), medians; peak RSS is the largest
of three runs under GNU time. Generated by \`deno task bench\`; every command of a section was
measured in the same hyperfine run.

${await machine()}

${sections.join("\n")}`;
await Deno.writeTextFile(RESULTS, body);
say(`wrote ${RESULTS}`);
