import assert from "node:assert/strict";
import { endpointFor } from "../../lib/aws/endpoints.ts";
import {
  checkConsoleDuration,
  consoleDestination,
  consoleServicePath,
  federationUrl,
  loginUrl,
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
