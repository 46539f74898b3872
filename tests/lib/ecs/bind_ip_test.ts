import assert from "node:assert/strict";
import { parseBindIp } from "../../../lib/ecs/bind_ip.ts";

Deno.test("parseBindIp() accepts IPv4 and IPv6 literals and localhost", () => {
  assert.equal(parseBindIp("127.0.0.1"), "127.0.0.1");
  assert.equal(parseBindIp(" 0.0.0.0 "), "0.0.0.0");
  assert.equal(parseBindIp("192.168.255.10"), "192.168.255.10");
  assert.equal(parseBindIp("::1"), "::1");
  assert.equal(parseBindIp("[::1]"), "::1");
  assert.equal(parseBindIp("::"), "::");
  assert.equal(parseBindIp("fe80::1:2"), "fe80::1:2");
  assert.equal(parseBindIp("::ffff:127.0.0.1"), "::ffff:127.0.0.1");
  assert.equal(parseBindIp("LocalHost"), "localhost");
});

Deno.test("parseBindIp() refuses host names, bad octets, bad IPv6 and anything else", () => {
  for (
    const bad of [
      "",
      " ",
      "example.com",
      "256.0.0.1",
      "127.0.0",
      "127.0.0.1.5",
      "01.2.3.4",
      "1.2.3.4:80",
      "::1::2",
      "12345::",
      "[::1",
      "::1]:80",
      "fe80::1%eth0",
      "\u001b[31m",
      "127.0.0.1\nx",
      "1.2.3.4; rm -rf /",
    ]
  ) {
    assert.equal(parseBindIp(bad), undefined, JSON.stringify(bad));
  }
});
