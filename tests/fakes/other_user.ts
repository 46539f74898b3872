/**
 * Another local user, for attacks that cross users: runs a small program as `nobody` with
 * `setpriv` (only when the tests run as root on Linux; tests skip otherwise).
 *
 * @module
 */

/** Fetches `url` as user `nobody` with bash's /dev/tcp; returns the status line. */
export async function fetchAsNobody(url: string): Promise<string> {
  const u = new URL(url);
  const script = `exec 3<>/dev/tcp/127.0.0.1/${u.port}
printf 'GET ${u.pathname} HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' >&3
head -n 1 <&3`;
  const out = await new Deno.Command("setpriv", {
    args: ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c", script],
    env: { PATH: "/usr/bin:/bin" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** True when this process may run programs as `nobody` (root on Linux, with setpriv). */
export async function canSwitchUser(): Promise<boolean> {
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return false;
  try {
    const out = await new Deno.Command("setpriv", {
      args: ["--reuid=65534", "--regid=65534", "--clear-groups", "true"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}
