/**
 * Renders the Homebrew formula and the scoop manifest of a release from the committed templates
 * in .github/packaging/ and the release's SHA256SUMS.
 *
 *   deno run -A .github/scripts/render_packages.ts --version 1.2.3 --sums dist/release/SHA256SUMS
 *     [--repo owner/name] [--tag v1.2.3] [--out dist/packaging]
 *
 * writes `<out>/aws-sso.rb` and `<out>/aws-sso.json`. The repository is `--repo`, else
 * `GITHUB_REPOSITORY` (set in GitHub Actions), else {@link DEFAULT_REPOSITORY}.
 *
 * Template placeholders: `{{version}}`, `{{repo}}`, `{{tag}}`, `{{url <target>}}` (the release
 * asset URL), `{{sha256 <target>}}` (its checksum from SHA256SUMS) and `{{url_pattern <target>}}`
 * (the asset URL with `$version` for scoop's autoupdate). Any other `{{...}}` is an error, and so
 * is a target whose archive SHA256SUMS does not list.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseSha256Sums } from "./sha256sums.ts";
import { archiveName, VERSION_PATTERN } from "./targets.ts";

/** The GitHub repository the URLs point to when neither `--repo` nor GITHUB_REPOSITORY is set. */
export const DEFAULT_REPOSITORY = "aws-sso/aws-sso";

/** The template files, relative to the repository root. */
export const TEMPLATES = {
  formula: ".github/packaging/aws-sso.rb.tmpl",
  manifest: ".github/packaging/aws-sso.json.tmpl",
} as const;

/** Inputs of {@link renderPackages}. */
export interface RenderOptions {
  /** Release version without the `v`. */
  version: string;
  /** GitHub `owner/name`. */
  repo: string;
  /** The release tag (default `v<version>`). */
  tag?: string;
  /** Archive file name → SHA-256 hex, from SHA256SUMS. */
  sums: Map<string, string>;
  /** The template texts. */
  templates: { formula: string; manifest: string };
}

/** The rendered files. */
export interface RenderedPackages {
  /** Homebrew formula `aws-sso.rb`. */
  formula: string;
  /** Scoop manifest `aws-sso.json`. */
  manifest: string;
}

/** Renders both templates; throws listing every archive SHA256SUMS lacks. */
export function renderPackages(options: RenderOptions): RenderedPackages {
  if (!VERSION_PATTERN.test(options.version)) {
    throw new Error(`"${options.version}" is not a release version (expected e.g. 1.2.3)`);
  }
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repo)) {
    throw new Error(`"${options.repo}" is not a GitHub owner/name`);
  }
  const tag = options.tag ?? `v${options.version}`;
  if (!/^[A-Za-z0-9_.-]+$/.test(tag)) throw new Error(`"${tag}" is not a tag name`);
  const missing = new Set<string>();
  const releaseUrl = `https://github.com/${options.repo}/releases/download`;
  const render = (template: string, source: string): string =>
    renderTemplate(template, source, (name, arg) => {
      switch (name) {
        case "version":
          return options.version;
        case "repo":
          return options.repo;
        case "tag":
          return tag;
        case "url":
          return `${releaseUrl}/${tag}/${archiveName(options.version, required(arg, name))}`;
        case "url_pattern":
          return `${releaseUrl}/v$version/${archiveName("$version", required(arg, name))}`;
        case "sha256": {
          const archive = archiveName(options.version, required(arg, name));
          const digest = options.sums.get(archive);
          if (digest === undefined) {
            missing.add(`${archive} (needed by ${source})`);
            return "";
          }
          return digest;
        }
        default:
          return undefined;
      }
    });
  const formula = render(options.templates.formula, "the Homebrew formula");
  const manifest = render(options.templates.manifest, "the scoop manifest");
  if (missing.size > 0) {
    throw new Error(`SHA256SUMS has no checksum for ${[...missing].join(", ")}`);
  }
  try {
    JSON.parse(manifest);
  } catch (e) {
    throw new Error(`the rendered scoop manifest is not JSON: ${(e as Error).message}`);
  }
  return { formula, manifest };
}

function required(arg: string | undefined, name: string): string {
  if (arg === undefined) {
    throw new Error(`{{${name}}} needs a target, e.g. {{${name} x86_64-pc-windows-msvc}}`);
  }
  return arg;
}

/**
 * Replaces every `{{name}}` / `{{name arg}}` in `template` with `value(name, arg)`; throws when
 * `value` returns undefined (an unknown placeholder) or a stray `{{` / `}}` is left.
 */
export function renderTemplate(
  template: string,
  source: string,
  value: (name: string, arg: string | undefined) => string | undefined,
): string {
  const out = template.replace(
    /\{\{\s*([a-z_][a-z0-9_]*)(?:\s+([^\s{}]+))?\s*\}\}/g,
    (whole, name, arg) => {
      const replacement = value(name, arg);
      if (replacement === undefined) throw new Error(`unknown placeholder ${whole} in ${source}`);
      return replacement;
    },
  );
  const stray = /\{\{|\}\}/.exec(out);
  if (stray !== null) {
    const line = out.slice(0, stray.index).split("\n").length;
    throw new Error(`malformed placeholder in ${source}, line ${line}`);
  }
  return out;
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      version: { type: "string" },
      sums: { type: "string" },
      repo: { type: "string" },
      tag: { type: "string" },
      out: { type: "string", default: "dist/packaging" },
    },
    strict: true,
  });
  if (values.version === undefined) throw new Error("--version is required");
  if (values.sums === undefined) throw new Error("--sums <SHA256SUMS file> is required");
  const root = new URL("../../", import.meta.url);
  const read = (path: string) => Deno.readTextFile(fileURLToPath(new URL(path, root)));
  const rendered = renderPackages({
    version: values.version.replace(/^v/, ""),
    repo: values.repo ?? (Deno.env.get("GITHUB_REPOSITORY") || DEFAULT_REPOSITORY),
    tag: values.tag,
    sums: parseSha256Sums(await Deno.readTextFile(values.sums)),
    templates: { formula: await read(TEMPLATES.formula), manifest: await read(TEMPLATES.manifest) },
  });
  await Deno.mkdir(values.out, { recursive: true });
  await Deno.writeTextFile(`${values.out}/aws-sso.rb`, rendered.formula);
  await Deno.writeTextFile(`${values.out}/aws-sso.json`, rendered.manifest);
  Deno.stderr.writeSync(
    new TextEncoder().encode(`wrote ${values.out}/aws-sso.rb and ${values.out}/aws-sso.json\n`),
  );
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (e) {
    Deno.stderr.writeSync(new TextEncoder().encode(`render_packages: ${(e as Error).message}\n`));
    Deno.exit(1);
  }
}
