import assert from "node:assert/strict";
import { readFileIfExists, writeTextFileAtomic } from "../../lib/atomic_file.ts";

Deno.test("writeTextFileAtomic() writes 0600 files in 0700 directories it creates", async () => {
  const root = await Deno.makeTempDir();
  try {
    const file = `${root}/new/dir/cache.json`;
    await writeTextFileAtomic(file, "{}");
    assert.equal(new TextDecoder().decode(await readFileIfExists(file)), "{}");
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${root}/new/dir`)).mode! & 0o777, 0o700);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeTextFileAtomic() removes temp files a killed writer left, but not fresh ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const old = `${dir}/.cache.json.123.tmp`;
    const fresh = `${dir}/.cache.json.456.tmp`;
    const other = `${dir}/.store.json.789.tmp`;
    for (const f of [old, fresh, other]) await Deno.writeTextFile(f, "partial");
    const hourAgo = new Date(Date.now() - 3600_000);
    await Deno.utime(old, hourAgo, hourAgo);
    await Deno.utime(other, hourAgo, hourAgo);
    await writeTextFileAtomic(`${dir}/cache.json`, "{}");
    assert.equal(await readFileIfExists(old), undefined, "abandoned temp file removed");
    assert.ok(await readFileIfExists(fresh), "a concurrent writer's temp file is kept");
    assert.ok(await readFileIfExists(other), "another file's temp file is not touched");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
