import assert from "node:assert/strict";
import { getSigninToken, type SigninTokenRequest } from "../../../lib/aws/federation_client.ts";
import { AwsApiError } from "../../../lib/errors.ts";
import { httpDeps, RecordingLogger } from "../sso/_fixtures.ts";

const instantClock = { now: () => Date.now(), sleep: () => Promise.resolve() };

function request(chained = false): SigninTokenRequest {
  return {
    federation: "https://signin.example/federation",
    credentials: {
      accessKeyId: "ASIAEXAMPLEKEY123456",
      secretAccessKey: "secret+key/with=signs0123456789",
      sessionToken: "session+token/with=signs0123456789",
    },
    durationMinutes: 120,
    chained,
  };
}

/** A fetch that answers from a list and records the URLs it was asked for. */
function scriptedFetch(answers: Array<Response | Error>) {
  const urls: string[] = [];
  const fn = (input: string | URL | Request): Promise<Response> => {
    urls.push(String(input));
    const next = answers.shift();
    if (next === undefined) throw new Error("unexpected request");
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { fetch: fn as typeof fetch, urls };
}

function deps(logger: RecordingLogger, f: typeof fetch) {
  return { ...httpDeps(logger, instantClock), fetch: f };
}

Deno.test("getSigninToken() returns the token and registers it and the credentials as secrets", async () => {
  const logger = new RecordingLogger();
  const { fetch, urls } = scriptedFetch([Response.json({ SigninToken: "the-signin-token" })]);
  const token = await getSigninToken(deps(logger, fetch), request());
  assert.equal(token, "the-signin-token");
  assert.equal(urls.length, 1);
  const url = new URL(urls[0]!);
  assert.equal(url.searchParams.get("SessionDuration"), "7200");
  assert.equal(
    JSON.parse(url.searchParams.get("Session")!).sessionKey,
    request().credentials.secretAccessKey,
  );
  for (
    const s of [
      "the-signin-token",
      request().credentials.secretAccessKey,
      request().credentials.sessionToken,
    ]
  ) {
    assert.ok(logger.secrets.has(s), s);
  }
  assert.ok(logger.secrets.has(encodeURIComponent(request().credentials.secretAccessKey)));
});

Deno.test("getSigninToken() sends no SessionDuration for chained credentials", async () => {
  const { fetch, urls } = scriptedFetch([Response.json({ SigninToken: "tok" })]);
  await getSigninToken(deps(new RecordingLogger(), fetch), request(true));
  assert.equal(new URL(urls[0]!).searchParams.get("SessionDuration"), null);
});

Deno.test("getSigninToken() fails with the status only, never the request URL", async () => {
  const logger = new RecordingLogger();
  const { fetch } = scriptedFetch([
    new Response("Bad Request: SessionDuration is not allowed", {
      status: 400,
      statusText: "Bad Request",
    }),
  ]);
  const err = await getSigninToken(deps(logger, fetch), request()).then(
    () => assert.fail("no error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AwsApiError);
  assert.equal(err.message, "unable to login to AWS: 400 Bad Request");
  assert.equal(err.status, 400);
  assert.match(err.hints.join("\n"), /Via/);
  const text = `${err.message} ${err.hints.join(" ")} ${logger.lines.join("\n")}`;
  assert.ok(!text.includes("secret"), text);
  assert.ok(!text.includes("Session="), text);
});

Deno.test("getSigninToken() retries 5xx and 429, then succeeds", async () => {
  const { fetch, urls } = scriptedFetch([
    new Response("", { status: 503 }),
    new Response("", { status: 429 }),
    Response.json({ SigninToken: "tok" }),
  ]);
  assert.equal(await getSigninToken(deps(new RecordingLogger(), fetch), request()), "tok");
  assert.equal(urls.length, 3);
});

Deno.test("getSigninToken() keeps the URL out of network errors that quote it", async () => {
  const logger = new RecordingLogger();
  const leaky = () =>
    new TypeError(
      `error sending request for url (${"https://signin.example/federation?Session=secret"})`,
    );
  const { fetch, urls } = scriptedFetch([leaky(), leaky(), leaky()]);
  const err = await getSigninToken(deps(logger, fetch), request()).then(
    () => assert.fail("no error"),
    (e: unknown) => e as Error,
  );
  assert.equal(urls.length, 3);
  assert.match(
    err.message,
    /^unable to login to AWS: cannot reach https:\/\/signin\.example \(TypeError\)$/,
  );
  assert.equal(err.cause, undefined, "the fetch error (with the URL) is not kept as the cause");
  assert.ok(!logger.lines.join("\n").includes("Session="));
});

Deno.test("getSigninToken() rejects a reply without a SigninToken", async () => {
  const { fetch } = scriptedFetch([Response.json({ Other: 1 })]);
  await assert.rejects(
    getSigninToken(deps(new RecordingLogger(), fetch), request()),
    /unable to login to AWS: the response has no SigninToken/,
  );
});
