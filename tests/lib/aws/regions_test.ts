import assert from "node:assert/strict";
import { allRegions, partitionForRegion, PARTITIONS } from "../../../lib/aws/regions.ts";
import { partitionOf } from "../../../lib/aws/endpoints.ts";

Deno.test("every region of a partition maps back to that partition", () => {
  for (const p of PARTITIONS) {
    assert.ok(p.regions.length > 0);
    for (const r of p.regions) {
      assert.equal(partitionForRegion(r).id, p.id, r);
      assert.equal(partitionOf(r).id, p.id, r);
    }
  }
});

Deno.test("allRegions() has no duplicates and looks like region names", () => {
  const all = allRegions();
  assert.equal(new Set(all).size, all.length);
  for (const r of all) assert.match(r, /^[a-z]{2,4}(-[a-z]+)+-\d$/);
  assert.ok(all.includes("us-east-1") && all.includes("eu-west-1"));
});
