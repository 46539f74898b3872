/**
 * AWS partitions and their regions, for the setup wizard's lists and region completion. A static
 * list: the wizard must work before any AWS call can be made. A region missing from it is still
 * usable (AWS opens new ones): config.yaml only warns.
 *
 * @module
 */
import { partitionOf } from "./endpoints.ts";

/** A partition as the setup wizard offers it. */
export interface PartitionChoice {
  /** `aws`, `aws-us-gov`, `aws-cn`, `aws-eusc`. */
  id: string;
  /** What the user sees. */
  label: string;
  /** An example start URL, shown when asking for one. */
  startUrlExample: string;
  /** Regions where IAM Identity Center can live, most used first. */
  regions: readonly string[];
}

/** Commercial regions. */
const COMMERCIAL = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
] as const;

/** The partitions, commercial first. */
export const PARTITIONS: readonly PartitionChoice[] = [
  {
    id: "aws",
    label: "AWS Commercial",
    startUrlExample: "https://example.awsapps.com/start",
    regions: COMMERCIAL,
  },
  {
    id: "aws-us-gov",
    label: "AWS GovCloud (US)",
    startUrlExample: "https://start.us-gov-home.awsapps.com/directory/example",
    regions: ["us-gov-west-1", "us-gov-east-1"],
  },
  {
    id: "aws-cn",
    label: "AWS China",
    startUrlExample: "https://example.awsapps.cn/start",
    regions: ["cn-north-1", "cn-northwest-1"],
  },
  {
    id: "aws-eusc",
    label: "AWS European Sovereign Cloud",
    startUrlExample: "https://example.eusc-de-east-1.portal.amazonaws.eu/start",
    regions: ["eusc-de-east-1"],
  },
];

/**
 * Every known region of every partition.
 *
 * @example
 * ```ts
 * allRegions().includes("eu-west-1"); // true
 * ```
 */
export function allRegions(): string[] {
  return PARTITIONS.flatMap((p) => [...p.regions]);
}

/**
 * The partition a region belongs to by its name (commercial when unknown).
 *
 * @example
 * ```ts
 * partitionForRegion("cn-north-1").id; // "aws-cn"
 * ```
 */
export function partitionForRegion(region: string): PartitionChoice {
  // The prefix rule lives in endpoints.ts, which derives every host from it.
  const id = partitionOf(region).id;
  return PARTITIONS.find((p) => p.id === id) ?? PARTITIONS[0]!;
}

// Lower-case words joined by dashes, ending in a number: us-east-1, us-gov-west-1,
// eusc-de-east-1, us-isob-east-1 (the shape of every partition's region regex in the SDKs).
const REGION_NAME = /^[a-z]{2,}(-[a-z]+)+-\d+$/;

/**
 * True when `name` has the shape of an AWS region name, known or not.
 *
 * @example
 * ```ts
 * isRegionName("eusc-de-east-1"); // true
 * isRegionName("US East"); // false
 * ```
 */
export function isRegionName(name: string): boolean {
  return REGION_NAME.test(name);
}

/**
 * True when `name` is in this build's region lists.
 *
 * @example
 * ```ts
 * isKnownRegion("eu-west-1"); // true
 * isKnownRegion("xx-mars-1"); // false
 * ```
 */
export function isKnownRegion(name: string): boolean {
  return PARTITIONS.some((p) => p.regions.includes(name));
}
