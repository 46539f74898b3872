/**
 * The shell code `setup completions` installs: tab completion for `aws-sso`
 * (the binary completes itself: the shell hands it `COMP_LINE`) and the helper functions
 * `aws-sso-profile <profile>` (assume a role in the current shell) and `aws-sso-clear`.
 *
 * The helpers ask `aws-sso eval` for the statements in their own shell's syntax
 * (`--format bash|zsh|fish|powershell`), so every value arrives quoted for that shell.
 *
 * @module
 */
import { quoteCommandWord } from "../aws_config/render_profiles.ts";
import { powershellQuote } from "../creds/env_exports.ts";

/** Shells with completion support. */
export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;

/** One of {@link SHELLS}. */
export type Shell = typeof SHELLS[number];

/**
 * True for a supported shell name.
 *
 * @example
 * ```ts
 * isShell("zsh"); // true
 * ```
 */
export function isShell(name: string): name is Shell {
  return (SHELLS as readonly string[]).includes(name);
}

/** How the scripts run aws-sso. */
export interface ScriptOptions {
  /** The command that runs aws-sso, one word per item (see `selfCommand` in cli/). */
  command: readonly string[];
  /**
   * True when aws-sso runs from source (`deno run ... main.ts`): the scripts then also define an
   * `aws-sso` function, since there is no `aws-sso` program on PATH.
   */
  fromSource: boolean;
}

/** One file's worth of script: where it goes (relative to the shell's directory) and its text. */
export interface ScriptFile {
  /** `rc` for bash/zsh/powershell (the rc or profile file), else a path under the fish config directory. */
  file: string;
  /** The text inside the managed block (no markers). */
  text: string;
}

const HEADER = "# aws-sso: completion and the aws-sso-profile / aws-sso-clear helpers.\n" +
  '# Written by "aws-sso setup completions --install"; the next install replaces it.\n';

const USAGE = "Usage: aws-sso-profile [-S|--sso <sso-instance>] <profile>";

function commandLine(options: ScriptOptions): string {
  return options.command.map((w) => quoteCommandWord(w)).join(" ");
}

/** The `-C` argument: a command string the shell evaluates, quoted once more when needed. */
function completeArg(options: ScriptOptions): string {
  return quoteCommandWord(commandLine(options));
}

function posixScript(shell: "bash" | "zsh", options: ScriptOptions): string {
  const cmd = commandLine(options);
  const helperArgs = shell === "zsh"
    ? "${=AWS_SSO_HELPER_ARGS:--L error}"
    : "${AWS_SSO_HELPER_ARGS:--L error}";
  let s = HEADER;
  if (shell === "zsh") {
    s += "(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }\n";
    s += "autoload -U +X bashcompinit && bashcompinit\n";
  }
  if (options.fromSource) s += `aws-sso() { ${cmd} "$@"; }\n`;
  s += `complete -o default -C ${completeArg(options)} aws-sso\n`;
  s += `complete -C ${completeArg(options)} aws-sso-profile\n`;
  s += `
aws-sso-profile() {
    local _profile="" _out
    local -a _sso=()
    if [ -n "\${AWS_PROFILE:-}" ]; then
        echo "Unable to assume a role while AWS_PROFILE is set" >&2
        return 1
    fi
    while [ $# -gt 0 ]; do
        case "$1" in
            -S|--sso)
                if [ $# -lt 2 ]; then
                    echo "${USAGE}" >&2
                    return 1
                fi
                _sso=(-S "$2")
                shift 2
                ;;
            -h|--help)
                echo "${USAGE}"
                return 0
                ;;
            -*)
                echo "${USAGE}" >&2
                return 1
                ;;
            *)
                if [ -n "$_profile" ]; then
                    echo "Error: Multiple profiles specified" >&2
                    return 1
                fi
                _profile="$1"
                shift
                ;;
        esac
    done
    if [ -z "$_profile" ]; then
        echo "${USAGE}" >&2
        return 1
    fi
    _out="$(${cmd} ${helperArgs} "\${_sso[@]}" eval --format ${shell} -p "$_profile")" || return 1
    eval "$_out"
    [ "\${AWS_SSO_PROFILE:-}" = "$_profile" ]
}

aws-sso-clear() {
    local _out
    if [ -z "\${AWS_SSO_PROFILE:-}" ]; then
        echo "AWS_SSO_PROFILE is not set" >&2
        return 1
    fi
    _out="$(${cmd} ${helperArgs} eval --format ${shell} --clear)" || return 1
    eval "$_out"
}
`;
  return s;
}

function fishFiles(options: ScriptOptions): ScriptFile[] {
  const cmd = commandLine(options);
  const complete = (fn: string, command: string) =>
    `function ${fn}
    set -lx COMP_LINE (commandline -cp)
    set -lx COMP_POINT (string length -- "$COMP_LINE")
    ${cmd}
end
complete -c ${command} -f -a '(${fn})'
`;
  const helperArgs = `    set -l helper_args -L error
    if set -q AWS_SSO_HELPER_ARGS; and test -n "$AWS_SSO_HELPER_ARGS"
        set helper_args (string split -n ' ' -- $AWS_SSO_HELPER_ARGS)
    end
`;
  const files: ScriptFile[] = [
    { file: "completions/aws-sso.fish", text: HEADER + complete("__aws_sso_complete", "aws-sso") },
    {
      file: "functions/aws-sso-profile.fish",
      text: HEADER + `function aws-sso-profile --description "Use an AWS SSO role in this shell"
    if test -n "$AWS_PROFILE"
        echo "Unable to assume a role while AWS_PROFILE is set" >&2
        return 1
    end
    set -l sso
    set -l profile
    while set -q argv[1]
        switch $argv[1]
            case -S --sso
                if not set -q argv[2]
                    echo "${USAGE}" >&2
                    return 1
                end
                set sso -S $argv[2]
                set -e argv[1..2]
            case -h --help
                echo "${USAGE}"
                return 0
            case '-*'
                echo "${USAGE}" >&2
                return 1
            case '*'
                if test -n "$profile"
                    echo "Error: Multiple profiles specified" >&2
                    return 1
                end
                set profile $argv[1]
                set -e argv[1]
        end
    end
    if test -z "$profile"
        echo "${USAGE}" >&2
        return 1
    end
${helperArgs}    set -l out (${cmd} $helper_args $sso eval --format fish -p $profile | string collect)
    or return 1
    echo $out | source
    test "$AWS_SSO_PROFILE" = "$profile"
end
`,
    },
    {
      file: "completions/aws-sso-profile.fish",
      text: HEADER + complete("__aws_sso_profile_complete", "aws-sso-profile"),
    },
    {
      file: "functions/aws-sso-clear.fish",
      text: HEADER + `function aws-sso-clear --description "Forget the AWS SSO role of this shell"
    if test -z "$AWS_SSO_PROFILE"
        echo "AWS_SSO_PROFILE is not set" >&2
        return 1
    end
${helperArgs}    set -l out (${cmd} $helper_args eval --format fish --clear | string collect)
    or return 1
    echo $out | source
end
`,
    },
  ];
  if (options.fromSource) {
    files.push({
      file: "functions/aws-sso.fish",
      text: HEADER + `function aws-sso --description "aws-sso (run from source)"
    ${cmd} $argv
end
`,
    });
  }
  return files;
}

/**
 * PowerShell: `Register-ArgumentCompleter -Native` runs aws-sso with `COMP_LINE` / `COMP_POINT`
 * set as bash's `complete -C` would (the line from the command's start to the cursor, the cursor
 * as a UTF-8 byte offset) and no arguments, so the binary prints whole words; the helpers run
 * `eval --format powershell` and pipe its lines to `Invoke-Expression`. Native completers apply
 * to programs only: run from source, `aws-sso` is a function and is not completed.
 */
function powershellScript(options: ScriptOptions): string {
  const cmd = `& ${options.command.map(powershellQuote).join(" ")}`;
  const usage = "Usage: aws-sso-profile [-Sso <sso-instance>] <profile>";
  let s = HEADER;
  if (options.fromSource) s += `function aws-sso { ${cmd} @args }\n`;
  s += `
function __aws_sso_complete([string]$Line) {
    $saved = $env:COMP_LINE, $env:COMP_POINT
    try {
        $env:COMP_LINE = $Line
        $env:COMP_POINT = [string][System.Text.Encoding]::UTF8.GetByteCount($Line)
        ${cmd} 2>$null | Where-Object { $_ -ne '' } | ForEach-Object {
            $text = $_
            if ($text -match '[\\s''"\`$;,(){}@&|<>#]') { $text = "'" + ($text -replace "'", "''") + "'" }
            [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
        }
    } finally {
        $env:COMP_LINE = $saved[0]
        $env:COMP_POINT = $saved[1]
    }
}

Register-ArgumentCompleter -Native -CommandName aws-sso -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $line = $commandAst.Extent.Text
    $point = $cursorPosition - $commandAst.Extent.StartOffset
    if ($point -lt $line.Length) { $line = $line.Substring(0, $point) }
    elseif ($point -gt $line.Length) { $line = $line.PadRight($point) }
    __aws_sso_complete $line
}

Register-ArgumentCompleter -CommandName aws-sso-profile -ParameterName Name -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
    __aws_sso_complete "aws-sso-profile $wordToComplete"
}

Register-ArgumentCompleter -CommandName aws-sso-profile -ParameterName Sso -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
    __aws_sso_complete "aws-sso-profile --sso $wordToComplete"
}

function __aws_sso_helper_args {
    if ($env:AWS_SSO_HELPER_ARGS) { -split $env:AWS_SSO_HELPER_ARGS } else { '-L', 'error' }
}

function aws-sso-profile {
    param([Parameter(Position = 0)][string]$Name, [Alias('S')][string]$Sso)
    if ($env:AWS_PROFILE) {
        Write-Error 'Unable to assume a role while AWS_PROFILE is set'
        return
    }
    if (-not $Name) {
        Write-Error '${usage}'
        return
    }
    $sso = if ($Sso) { '-S', $Sso } else { @() }
    $out = ${cmd} @(__aws_sso_helper_args) @sso eval --format powershell -p $Name
    if ($LASTEXITCODE -ne 0) { return }
    $out | Invoke-Expression
    if ($env:AWS_SSO_PROFILE -ne $Name) { Write-Error "Unable to use the profile $Name" }
}

function aws-sso-clear {
    if (-not $env:AWS_SSO_PROFILE) {
        Write-Error 'AWS_SSO_PROFILE is not set'
        return
    }
    $out = ${cmd} @(__aws_sso_helper_args) eval --format powershell --clear
    if ($LASTEXITCODE -ne 0) { return }
    $out | Invoke-Expression
}
`;
  return s;
}

/**
 * The files of `shell`'s completion: one `rc` script for bash, zsh and PowerShell (its profile),
 * several files for fish.
 *
 * @example
 * ```ts
 * completionScripts("bash", { command: ["/usr/local/bin/aws-sso"], fromSource: false })[0]!.text;
 * // "...complete -o default -C /usr/local/bin/aws-sso aws-sso\n..."
 * ```
 */
export function completionScripts(shell: Shell, options: ScriptOptions): ScriptFile[] {
  if (shell === "fish") return fishFiles(options);
  if (shell === "powershell") return [{ file: "rc", text: powershellScript(options) }];
  return [{ file: "rc", text: posixScript(shell, options) }];
}

/**
 * The whole script as one text, for `--source` (`eval "$(aws-sso setup completions --source)"`,
 * or `... --source --shell fish | source`).
 *
 * @example
 * ```ts
 * completionSource("zsh", { command: ["aws-sso"], fromSource: false }).includes("bashcompinit"); // true
 * ```
 */
export function completionSource(shell: Shell, options: ScriptOptions): string {
  const files = completionScripts(shell, options);
  // Sourced at once, fish needs the functions before the completions that call them.
  const ordered = shell === "fish"
    ? [...files].sort((a, b) =>
      Number(b.file.startsWith("functions/")) - Number(a.file.startsWith("functions/"))
    )
    : files;
  return ordered.map((f, i) => (i === 0 ? f.text : f.text.replace(HEADER, ""))).join("\n");
}
