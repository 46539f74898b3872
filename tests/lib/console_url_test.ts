import assert from "node:assert/strict";
import { endpointFor } from "../../lib/aws/endpoints.ts";
import {
  checkConsoleDuration,
  consoleDestination,
  consoleServicePath,
  federationUrl,
  loginUrl,
  portalDestination,
  portalShortcutUrl,
  signinTokenUrl,
} from "../../lib/console_url.ts";
import { UsageError } from "../../lib/errors.ts";

// Real secrets are base64 text: `+`, `/` and `=` must survive the trip through the URL.
const creds = {
  accessKeyId: "ASIAEXAMPLEKEY123456",
  secretAccessKey: "wJalr+XUtnFEMI/K7MDENG=bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2Vj+abc/def==&x=y",
};

Deno.test("federationUrl() appends /federation to the sign-in endpoint once", () => {
  assert.equal(
    federationUrl(endpointFor("signin", "eu-west-1")),
    "https://eu-west-1.signin.aws.amazon.com/federation",
  );
  assert.equal(federationUrl("http://127.0.0.1:9/"), "http://127.0.0.1:9/federation");
  assert.equal(federationUrl("http://127.0.0.1:9/federation"), "http://127.0.0.1:9/federation");
});

Deno.test("federationUrl() uses each partition's sign-in host", () => {
  const fed = (region: string) => federationUrl(endpointFor("signin", region));
  assert.equal(fed("cn-north-1"), "https://cn-north-1.signin.amazonaws.cn/federation");
  assert.equal(
    fed("us-gov-west-1"),
    "https://us-gov-west-1.signin.amazonaws-us-gov.com/federation",
  );
  assert.equal(fed("eusc-de-east-1"), "https://eusc-de-east-1.signin.amazonaws-eusc.eu/federation");
});

Deno.test("signinTokenUrl() URL-encodes the Session JSON so +/= in secrets arrive intact", () => {
  const url = new URL(
    signinTokenUrl("https://x.example/federation", creds, { durationMinutes: 90, chained: false }),
  );
  assert.equal(url.searchParams.get("Action"), "getSigninToken");
  assert.equal(url.searchParams.get("SessionDuration"), "5400");
  assert.deepEqual(JSON.parse(url.searchParams.get("Session")!), {
    sessionId: creds.accessKeyId,
    sessionKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  });
  // A raw `+` would decode to a space: the query must only hold encoded forms.
  const query = url.search;
  assert.ok(!query.includes("+"), query);
  assert.ok(!query.includes(creds.secretAccessKey), query);
  assert.ok(query.includes("%2B") && query.includes("%2F") && query.includes("%3D"), query);
});

Deno.test("signinTokenUrl() leaves SessionDuration out for chained credentials", () => {
  const url = new URL(
    signinTokenUrl("https://x.example/federation", creds, { durationMinutes: 60, chained: true }),
  );
  assert.equal(url.searchParams.get("SessionDuration"), null);
  assert.equal(url.searchParams.get("Action"), "getSigninToken");
  assert.equal(JSON.parse(url.searchParams.get("Session")!).sessionKey, creds.secretAccessKey);
});

Deno.test("loginUrl() encodes Issuer, Destination and SigninToken so each arrives whole", () => {
  const destination = "https://console.aws.amazon.com/ec2/home?region=eu-west-1&tab=x#Instances:";
  const parts = {
    issuer: "https://d-1234567890.awsapps.com/start#/",
    destination,
    signinToken: "tok+en/with=padding&more",
  };
  const url = new URL(loginUrl("https://x.example/federation", parts));
  assert.equal(url.origin + url.pathname, "https://x.example/federation");
  assert.deepEqual([...url.searchParams.keys()], [
    "Action",
    "Issuer",
    "Destination",
    "SigninToken",
  ]);
  assert.equal(url.searchParams.get("Action"), "login");
  assert.equal(url.searchParams.get("Issuer"), parts.issuer);
  assert.equal(url.searchParams.get("Destination"), destination);
  assert.equal(url.searchParams.get("SigninToken"), parts.signinToken);
  assert.equal(url.hash, "", "the destination's fragment stays inside the parameter");
});

Deno.test("consoleDestination() defaults to the console home of the region, per partition", () => {
  assert.equal(
    consoleDestination({ ssoRegion: "us-east-1", region: "eu-west-1" }),
    "https://console.aws.amazon.com/console/home?region=eu-west-1",
  );
  assert.equal(
    consoleDestination({ ssoRegion: "cn-northwest-1", region: "cn-north-1" }),
    "https://console.amazonaws.cn/console/home?region=cn-north-1",
  );
  assert.equal(
    consoleDestination({ ssoRegion: "us-gov-west-1", region: "us-gov-east-1" }),
    "https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1",
  );
  assert.equal(
    consoleDestination({ ssoRegion: "eusc-de-east-1", region: "eusc-de-east-1" }),
    "https://console.amazonaws-eusc.eu/console/home?region=eusc-de-east-1",
  );
});

Deno.test("consoleDestination() sends --service to the service's home page in the region", () => {
  assert.equal(
    consoleDestination({ ssoRegion: "us-east-1", region: "eu-central-1", service: "s3" }),
    "https://console.aws.amazon.com/s3/home?region=eu-central-1",
  );
  assert.equal(
    consoleDestination({ ssoRegion: "cn-north-1", region: "cn-north-1", service: "EC2" }),
    "https://console.amazonaws.cn/ec2/home?region=cn-north-1",
  );
});

Deno.test("consoleServicePath() uses /<service>/home with known exceptions", () => {
  for (const service of ["ec2", "s3", "cloudwatch", "lambda", "iam", "cloudformation", "rds"]) {
    assert.equal(consoleServicePath(service, "us-west-2"), `/${service}/home?region=us-west-2`);
  }
  assert.equal(consoleServicePath("dynamodb", "us-west-2"), "/dynamodbv2/home?region=us-west-2");
  assert.equal(consoleServicePath("ssm", "us-west-2"), "/systems-manager/home?region=us-west-2");
  assert.equal(consoleServicePath("sso", "us-west-2"), "/singlesignon/home?region=us-west-2");
  assert.equal(consoleServicePath("route53", "us-west-2"), "/route53/v2/home?region=us-west-2");
  assert.equal(consoleServicePath("stepfunctions", "us-west-2"), "/states/home?region=us-west-2");
  assert.equal(consoleServicePath("console", "us-west-2"), "/console/home?region=us-west-2");
});

Deno.test("consoleServicePath() rejects a service name that could change the URL", () => {
  for (const bad of ["", "s3/../x", "ec2?x=1", "../iam", "a b", "-s3"]) {
    assert.throws(() => consoleServicePath(bad, "us-east-1"), UsageError, bad);
  }
});

Deno.test("consoleDestination() joins a --destination path to the partition's console host", () => {
  assert.equal(
    consoleDestination({
      ssoRegion: "us-east-1",
      region: "eu-west-1",
      destination: "/ec2/home?region=us-west-2#Instances:",
    }),
    "https://console.aws.amazon.com/ec2/home?region=us-west-2#Instances:",
  );
  assert.equal(
    consoleDestination({ ssoRegion: "us-gov-west-1", region: "x", destination: "/iam/home" }),
    "https://console.amazonaws-us-gov.com/iam/home",
  );
});

Deno.test("consoleDestination() keeps a --destination URL on the console host or a sub-domain", () => {
  for (
    const url of [
      "https://console.aws.amazon.com/s3/buckets/my-bucket?region=us-east-1",
      "https://us-west-2.console.aws.amazon.com/lambda/home?region=us-west-2#/functions",
      "https://s3.console.aws.amazon.com/s3/home",
    ]
  ) {
    assert.equal(
      consoleDestination({ ssoRegion: "us-east-1", region: "r", destination: url }),
      url,
    );
  }
});

Deno.test("consoleDestination() rejects destinations the federation endpoint would refuse", () => {
  const bad = [
    "https://evil.example.com/console",
    "https://console.aws.amazon.com.evil.example/",
    "https://evilconsole.aws.amazon.com/",
    "http://console.aws.amazon.com/ec2/home",
    "https://user@console.aws.amazon.com/",
    "https://console.amazonaws.cn/console/home",
    "//evil.example.com/x",
    "ec2/home",
  ];
  for (const destination of bad) {
    assert.throws(
      () => consoleDestination({ ssoRegion: "us-east-1", region: "us-east-1", destination }),
      (e: unknown) => e instanceof UsageError && e.message.includes("--destination"),
      destination,
    );
  }
});

Deno.test("consoleDestination() refuses --destination together with --service", () => {
  assert.throws(
    () =>
      consoleDestination({
        ssoRegion: "us-east-1",
        region: "us-east-1",
        destination: "/ec2/home",
        service: "s3",
      }),
    /--destination and --service cannot be used together/,
  );
});

Deno.test("checkConsoleDuration() accepts 15..720 minutes and names the source otherwise", () => {
  assert.equal(checkConsoleDuration(15), 15);
  assert.equal(checkConsoleDuration(720), 720);
  for (const bad of [14, 721, 0, -5, 30.5, NaN]) {
    assert.throws(() => checkConsoleDuration(bad), UsageError, String(bad));
  }
  assert.throws(
    () => checkConsoleDuration(5),
    (e: unknown) =>
      e instanceof UsageError && e.message === "invalid --duration 5.  Must be between 15 and 720",
  );
});

const PORTAL_GOLDEN = new URL("../testdata/console/portal_shortcut.txt", import.meta.url);
const START = "https://d-1234567890.awsapps.com/start";

/** `console --portal` cases: start URL, role, and the flags that pick the page. */
const PORTAL_CASES: {
  name: string;
  startUrl?: string;
  ssoRegion?: string;
  roleName?: string;
  region?: string;
  destination?: string;
  service?: string;
}[] = [
  { name: "no page flag: no destination (relay state, else console home)" },
  { name: "start URL with a trailing slash", startUrl: `${START}/` },
  { name: "start URL with slashes and a fragment", startUrl: `${START}//#/` },
  { name: "--service uses the default region", service: "s3" },
  { name: "--service with --region", service: "dynamodb", region: "ap-southeast-2" },
  { name: "--region alone: console home there", region: "eu-central-1" },
  { name: "--destination path", destination: "/ec2/home?region=us-west-2#Instances:" },
  {
    name: "--destination full URL",
    destination: "https://eu-west-1.console.aws.amazon.com/s3/buckets/b?region=eu-west-1&tab=x",
  },
  { name: "role name with + = , . @ _ -", roleName: "Ops+Admin=1,x.y@z_w-v" },
  {
    name: "GovCloud",
    startUrl: "https://start.us-gov-home.awsapps.com/directory/d-9067000000",
    ssoRegion: "us-gov-west-1",
    service: "ec2",
    region: "us-gov-east-1",
  },
  {
    name: "China",
    startUrl: "https://d-9000000000.awsapps.cn/start",
    ssoRegion: "cn-north-1",
    region: "cn-northwest-1",
  },
  {
    name: "European Sovereign Cloud",
    startUrl: "https://d-9000000000.awsapps.eu/start",
    ssoRegion: "eusc-de-east-1",
    destination: "/lambda/home",
  },
];

function portalCase(c: (typeof PORTAL_CASES)[number]): string {
  return portalShortcutUrl({
    startUrl: c.startUrl ?? START,
    accountId: "012345678901",
    roleName: c.roleName ?? "AdministratorAccess",
    destination: portalDestination({
      ssoRegion: c.ssoRegion ?? "us-east-1",
      defaultRegion: "eu-west-1",
      region: c.region,
      destination: c.destination,
      service: c.service,
    }),
  });
}

Deno.test("portalShortcutUrl() matches its golden file", async () => {
  const actual = PORTAL_CASES.map((c) => `# ${c.name}\n${portalCase(c)}\n`).join("\n");
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(PORTAL_GOLDEN, actual);
  assert.equal(actual, await Deno.readTextFile(PORTAL_GOLDEN));
});

Deno.test("portalShortcutUrl() values read back whole from the fragment's query", () => {
  const destination = "https://console.aws.amazon.com/s3/buckets/b?region=eu-west-1&tab=objects#x";
  const roleName = "Ops+Admin=1,x.y@z_w-v&role_name=Evil#";
  const url = new URL(
    portalShortcutUrl({ startUrl: START, accountId: "012345678901", roleName, destination }),
  );
  assert.equal(`${url.origin}${url.pathname}`, `${START}/`);
  assert.equal(url.search, "");
  assert.ok(url.hash.startsWith("#/console?"), url.hash);
  const params = new URLSearchParams(url.hash.slice("#/console?".length));
  assert.deepEqual([...params.keys()], ["account_id", "role_name", "destination"]);
  assert.equal(params.get("account_id"), "012345678901");
  assert.equal(params.get("role_name"), roleName);
  assert.equal(params.get("destination"), destination);
});

Deno.test("portalDestination() checks --destination and --service like the sign-in URL", () => {
  const base = { ssoRegion: "us-east-1", defaultRegion: "us-east-1" };
  assert.equal(portalDestination({ ...base, region: " " }), undefined);
  assert.throws(
    () => portalDestination({ ...base, destination: "https://evil.example.com/" }),
    UsageError,
  );
  assert.throws(
    () => portalDestination({ ...base, destination: "/ec2/home", service: "s3" }),
    /cannot be used together/,
  );
  assert.throws(() => portalDestination({ ...base, service: "s3/../x" }), /invalid --service/);
});

Deno.test("portalShortcutUrl() refuses a start URL that is not a URL", () => {
  assert.throws(
    () => portalShortcutUrl({ startUrl: "not a url", accountId: "012345678901", roleName: "R" }),
    (e: unknown) => e instanceof UsageError && /not a URL/.test(e.message),
  );
});
