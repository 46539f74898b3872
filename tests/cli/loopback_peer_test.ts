/**
 * The one-time browser link refuses programs of other users: its path sits on the browser's
 * command line, which every local user can read. The attack runs for real: another user's
 * process (`setpriv` to `nobody`, when the tests run as root) fetches the link with bash's
 * /dev/tcp, gets 403 and uses nothing up; our own fetch then gets the redirect.
 */
import assert from "node:assert/strict";
import { parseProcNetTcp, sameUserPeerCheck } from "../../cli/loopback_peer.ts";
import { serveOneTimeUrl } from "../../lib/one_time_url.ts";
import { canSwitchUser, fetchAsNobody } from "../fakes/other_user.ts";

const HEADER =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n";

Deno.test("parseProcNetTcp() reads the ports and the owner of each socket", () => {
  const text = HEADER +
    "   0: 0100007F:A2C4 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000 0 1\n" +
    "   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0 0 2\n" +
    "garbage\n";
  assert.deepEqual(parseProcNetTcp(text), [
    { localPort: 0xa2c4, remotePort: 0x1f90, uid: 1000 },
    { localPort: 0x16, remotePort: 0, uid: 0 },
  ]);
});

Deno.test({
  name: "sameUserPeerCheck() allows our own sockets and unknown ones, refuses another user's",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const table = HEADER +
      "   0: 0100007F:1000 0100007F:2000 01 00000000:00000000 00:00000000 00000000  1000\n" +
      "   1: 0100007F:1001 0100007F:2000 01 00000000:00000000 00:00000000 00000000  1001\n";
    const check = sameUserPeerCheck(
      1000,
      (path) => Promise.resolve(path.endsWith("tcp") ? table : HEADER),
    )!;
    const local = { transport: "tcp" as const, hostname: "127.0.0.1", port: 0x2000 };
    const peer = (port: number) => ({ transport: "tcp" as const, hostname: "127.0.0.1", port });
    assert.equal(await check(peer(0x1000), local), true);
    assert.equal(await check(peer(0x1001), local), false);
    // Not in this network namespace's table (a relayed connection): allowed.
    assert.equal(await check(peer(0x1002), local), true);
  },
});

Deno.test({
  name: "another user's program asking for a one-time link gets 403 and the link stays ours",
  ignore: !(await canSwitchUser()),
  async fn() {
    let foreign = 0;
    let reused = 0;
    const link = serveOneTimeUrl({
      target: "https://example.invalid/authorize?state=secret-state",
      onReuse: () => reused++,
      peerAllowed: sameUserPeerCheck(Deno.uid()!),
      onForeign: () => foreign++,
    });
    try {
      const status = await fetchAsNobody(link.url);
      assert.match(status, /^HTTP\/1\.1 403/);
      assert.equal(foreign, 1);
      // Our own browser (this process's uid) still gets the redirect, once.
      const res = await fetch(link.url, { redirect: "manual" });
      await res.body?.cancel();
      assert.equal(res.status, 302);
      assert.equal(
        res.headers.get("location"),
        "https://example.invalid/authorize?state=secret-state",
      );
      assert.equal(reused, 0);
    } finally {
      await link.close();
    }
  },
});
