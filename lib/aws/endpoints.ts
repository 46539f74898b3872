/**
 * Service endpoints by region and partition (OIDC, portal, STS, console sign-in), with the SDK's
 * standard overrides (`AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_STS`,
 * our `AWS_ENDPOINT_URL_SIGNIN`, and the global `AWS_ENDPOINT_URL`) passed in by cli/.
 *
 * @module
 */
import { AwsSsoError } from "../errors.ts";

/** The services aws-sso calls. */
export type Service = "oidc" | "portal" | "sts" | "signin";

/** Endpoint overrides and variants, read from the environment by cli/. */
export interface EndpointOptions {
  /** Per-service base URL overrides. */
  overrides?: Partial<Record<Service, string>>;
  /** `AWS_ENDPOINT_URL`: applies to every service without its own override. */
  global?: string;
  /** `AWS_USE_FIPS_ENDPOINT`. */
  fips?: boolean;
  /** `AWS_USE_DUALSTACK_ENDPOINT`. */
  dualStack?: boolean;
}

/** An AWS partition's naming. */
export interface Partition {
  /** `aws`, `aws-cn`, `aws-us-gov`, `aws-eusc`. */
  id: string;
  /** DNS suffix for service endpoints. */
  dnsSuffix: string;
  /** DNS suffix for dual-stack endpoints. */
  dualStackSuffix: string;
  /** Console host. */
  consoleHost: string;
  /** Federation (sign-in) host suffix. */
  signinSuffix: string;
}

/**
 * The partition a region belongs to.
 *
 * @example
 * ```ts
 * partitionOf("cn-north-1").id; // "aws-cn"
 * ```
 */
export function partitionOf(region: string): Partition {
  if (region.startsWith("cn-")) {
    return {
      id: "aws-cn",
      dnsSuffix: "amazonaws.com.cn",
      dualStackSuffix: "api.amazonwebservices.com.cn",
      consoleHost: "console.amazonaws.cn",
      signinSuffix: "signin.amazonaws.cn",
    };
  }
  if (region.startsWith("us-gov-")) {
    return {
      id: "aws-us-gov",
      dnsSuffix: "amazonaws.com",
      dualStackSuffix: "api.aws",
      consoleHost: "console.amazonaws-us-gov.com",
      signinSuffix: "signin.amazonaws-us-gov.com",
    };
  }
  if (region.startsWith("eusc-")) {
    return {
      id: "aws-eusc",
      dnsSuffix: "amazonaws.eu",
      dualStackSuffix: "api.amazonwebservices.eu",
      consoleHost: "console.amazonaws-eusc.eu",
      signinSuffix: "signin.amazonaws-eusc.eu",
    };
  }
  return {
    id: "aws",
    dnsSuffix: "amazonaws.com",
    dualStackSuffix: "api.aws",
    consoleHost: "console.aws.amazon.com",
    signinSuffix: "signin.aws.amazon.com",
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * Base URL (no trailing slash) of `service` in `region`.
 *
 * @example
 * ```ts
 * endpointFor("oidc", "us-east-1"); // "https://oidc.us-east-1.amazonaws.com"
 * endpointFor("signin", "us-east-1"); // "https://us-east-1.signin.aws.amazon.com"
 * ```
 */
export function endpointFor(
  service: Service,
  region: string,
  options: EndpointOptions = {},
): string {
  const override = options.overrides?.[service] ?? options.global;
  if (override !== undefined && override !== "") return trimSlash(override);
  if (region === "") throw new AwsSsoError(`cannot find the ${service} endpoint: no region given`);
  const p = partitionOf(region);
  const fips = options.fips === true;
  const dual = options.dualStack === true;
  const suffix = dual ? p.dualStackSuffix : p.dnsSuffix;
  switch (service) {
    case "oidc": {
      // GovCloud endpoints are FIPS already and keep the plain name.
      const name = fips && p.id !== "aws-us-gov" ? "oidc-fips" : "oidc";
      return `https://${name}.${region}.${suffix}`;
    }
    case "portal": {
      const name = fips && p.id !== "aws-us-gov" ? "portal.sso-fips" : "portal.sso";
      return `https://${name}.${region}.${suffix}`;
    }
    case "sts":
      return `https://${fips ? "sts-fips" : "sts"}.${region}.${suffix}`;
    case "signin":
      return `https://${region}.${p.signinSuffix}`;
  }
}

/** The console home URL for a region. */
export function consoleHomeUrl(ssoRegion: string, region: string): string {
  return `https://${partitionOf(ssoRegion).consoleHost}/console/home?region=${
    encodeURIComponent(region)
  }`;
}
