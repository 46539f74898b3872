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

Deno.test("isRegionName() accepts every partition's region shape and rejects other text", async () => {
  const { isRegionName, isKnownRegion } = await import("../../../lib/aws/regions.ts");
  for (const r of [...allRegions(), "us-isob-east-1", "eu-isoe-west-1", "xx-mars-1"]) {
    assert.ok(isRegionName(r), r);
  }
  for (
    const r of ["", "US East", "us-east", "us_east_1", "-east-1", "us-east-1 ", "eusc-de-east-x"]
  ) {
    assert.ok(!isRegionName(r), r);
  }
  assert.ok(isKnownRegion("eusc-de-east-1"));
  assert.ok(!isKnownRegion("xx-mars-1"));
  assert.equal(partitionForRegion("eusc-de-east-1").id, "aws-eusc");
});
