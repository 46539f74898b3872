/**
 * Who is on the other end of a loopback connection, on Linux: `/proc/net/tcp` and
 * `/proc/net/tcp6` list every TCP socket of this network namespace with its owner's uid. The
 * one-time browser links (lib/one_time_url.ts) use it to refuse programs of other users, which
 * can read a link from the browser's command line (`/proc/<pid>/cmdline` is world-readable).
 *
 * @module
 */

/** One socket of `/proc/net/tcp*`: its local and remote port and its owner. */
interface SocketEntry {
  localPort: number;
  remotePort: number;
  uid: number;
}

/**
 * Parses the text of `/proc/net/tcp` or `/proc/net/tcp6` (header line, then one socket a line:
 * `sl local_address rem_address st ... uid ...`, addresses as `HEXIP:HEXPORT`).
 *
 * @example
 * ```ts
 * parseProcNetTcp(
 *   "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n" +
 *     "   0: 0100007F:A2C4 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000",
 * ); // [{ localPort: 41668, remotePort: 8080, uid: 1000 }]
 * ```
 */
export function parseProcNetTcp(text: string): SocketEntry[] {
  const out: SocketEntry[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1]?.split(":")[1];
    const remote = f[2]?.split(":")[1];
    const uid = Number(f[7]);
    if (local === undefined || remote === undefined || !Number.isInteger(uid)) continue;
    out.push({ localPort: parseInt(local, 16), remotePort: parseInt(remote, 16), uid });
  }
  return out;
}

/**
 * A `peerAllowed` check for lib/one_time_url.ts: true when the socket that connected from
 * `peer.port` to our `local.port` belongs to `uid`. A socket not found (a connection relayed
 * from outside this network namespace, as WSL's Windows browser does) is allowed: only a
 * program of another user on this machine is refused. Undefined where there is no
 * `/proc/net/tcp` (not Linux).
 */
export function sameUserPeerCheck(
  uid: number,
  read: (path: string) => Promise<string> = (path) => Deno.readTextFile(path),
): ((peer: Deno.NetAddr, local: Deno.NetAddr) => Promise<boolean>) | undefined {
  if (Deno.build.os !== "linux") return undefined;
  return async (peer, local) => {
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      const text = await read(file).catch(() => "");
      const socket = parseProcNetTcp(text).find((s) =>
        s.localPort === peer.port && s.remotePort === local.port
      );
      if (socket !== undefined) return socket.uid === uid;
    }
    return true;
  };
}
