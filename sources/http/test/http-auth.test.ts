import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { HttpSourceErrors } from "../src/index.js";
import { type Answer, SECRETS, send, serve } from "./helpers.js";

const basicAuth = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

interface Attempt {
  readonly name: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly status: 202 | 401 | 403;
  readonly challenge?: RegExp;
}

function expectAnswer(answer: Answer, attempt: Attempt): void {
  assert.equal(answer.status, attempt.status, attempt.name);
  if (attempt.status === 401) {
    assert.equal(JSON.parse(answer.body).error.code, HttpSourceErrors.UNAUTHENTICATED);
    assert.equal(JSON.parse(answer.body).error.message, "authentication required");
  }
  if (attempt.status === 403) {
    // The same answer whichever part was wrong.
    assert.deepEqual(JSON.parse(answer.body), {
      error: { code: HttpSourceErrors.FORBIDDEN, message: "authentication failed" },
    });
  }
  if (attempt.challenge === undefined) assert.equal(answer.headers["www-authenticate"], undefined);
  else assert.match(answer.headers["www-authenticate"] ?? "", attempt.challenge);
}

function suite(name: string, spec: Record<string, unknown>, attempts: readonly Attempt[]): void {
  describe(name, () => {
    for (const attempt of attempts) {
      it(`${attempt.name} → ${attempt.status}`, async (t) => {
        const { url, sink } = await serve(t, spec);
        const answer = await send(url, { headers: attempt.headers, body: attempt.body ?? "payload" });
        expectAnswer(answer, attempt);
        assert.equal(
          sink.requests.length,
          attempt.status === 202 ? 1 : 0,
          "only accepted requests reach the sink",
        );
      });
    }
  });
}

const password = SECRETS.api!.password!;
suite(
  "basic auth (user from the environment, password from a Secret)",
  {
    auth: {
      basic: {
        username: { env: "WEBHOOK_USER" },
        password: { secretKeyRef: { name: "api", key: "password" } },
      },
    },
  },
  [
    {
      name: "right user and password",
      headers: { authorization: basicAuth("robot", password) },
      status: 202,
    },
    {
      name: "scheme in another case",
      headers: { authorization: `bAsIc ${Buffer.from(`robot:${password}`).toString("base64")}` },
      status: 202,
    },
    { name: "wrong password", headers: { authorization: basicAuth("robot", "wrong") }, status: 403 },
    { name: "wrong user", headers: { authorization: basicAuth("human", password) }, status: 403 },
    {
      name: "password as a prefix",
      headers: { authorization: basicAuth("robot", password.slice(0, 5)) },
      status: 403,
    },
    {
      name: "no colon",
      headers: { authorization: `Basic ${Buffer.from("robot").toString("base64")}` },
      status: 403,
    },
    { name: "not base64", headers: { authorization: "Basic !!!" }, status: 403 },
    {
      name: "no credentials",
      headers: {},
      status: 401,
      challenge: /^Basic realm="sluice", charset="UTF-8"$/,
    },
    {
      name: "a bearer token instead",
      headers: { authorization: "Bearer abc" },
      status: 401,
      challenge: /^Basic /,
    },
  ],
);

suite(
  "basic auth with a plain user name",
  {
    auth: { basic: { username: "ci", password: { env: "WEBHOOK_TOKEN" } } },
  },
  [
    { name: "right", headers: { authorization: basicAuth("ci", "env-token") }, status: 202 },
    {
      name: "password with a colon is wrong, not split",
      headers: { authorization: basicAuth("ci", "env:token") },
      status: 403,
    },
  ],
);

suite(
  "bearer token from a Secret",
  { auth: { bearer: { token: { secretKeyRef: { name: "api", key: "token" } } } } },
  [
    { name: "right token", headers: { authorization: "Bearer s3cr3t-t0ken" }, status: 202 },
    { name: "wrong token", headers: { authorization: "Bearer s3cr3t-t0kem" }, status: 403 },
    { name: "longer token", headers: { authorization: "Bearer s3cr3t-t0ken-and-more" }, status: 403 },
    { name: "no credentials", headers: {}, status: 401, challenge: /^Bearer realm="sluice"$/ },
    { name: "empty bearer", headers: { authorization: "Bearer " }, status: 401, challenge: /^Bearer / },
    {
      name: "basic instead",
      headers: { authorization: basicAuth("a", "b") },
      status: 401,
      challenge: /^Bearer /,
    },
  ],
);

// GitHub's documented test vector (docs.github.com, "Validating webhook deliveries").
const GITHUB_BODY = "Hello, World!";
const GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

suite(
  "HMAC with GitHub's defaults",
  { auth: { hmac: { secret: { secretKeyRef: { name: "github", key: "webhook-secret" } } } } },
  [
    {
      name: "GitHub's example signature",
      headers: { "x-hub-signature-256": GITHUB_SIGNATURE },
      body: GITHUB_BODY,
      status: 202,
    },
    {
      name: "upper-case hex",
      headers: { "x-hub-signature-256": GITHUB_SIGNATURE.toUpperCase() },
      body: GITHUB_BODY,
      status: 202,
    },
    {
      name: "body changed by one byte",
      headers: { "x-hub-signature-256": GITHUB_SIGNATURE },
      body: "Hello, World?",
      status: 403,
    },
    {
      name: "no prefix",
      headers: { "x-hub-signature-256": GITHUB_SIGNATURE.slice(7) },
      body: GITHUB_BODY,
      status: 403,
    },
    {
      name: "sha1 prefix",
      headers: { "x-hub-signature-256": `sha1=${GITHUB_SIGNATURE.slice(7)}` },
      body: GITHUB_BODY,
      status: 403,
    },
    {
      name: "truncated digest",
      headers: { "x-hub-signature-256": GITHUB_SIGNATURE.slice(0, -2) },
      body: GITHUB_BODY,
      status: 403,
    },
    {
      name: "GitHub's SHA-1 header only",
      headers: { "x-hub-signature": "sha1=0000" },
      body: GITHUB_BODY,
      status: 401,
    },
    { name: "no signature", headers: {}, body: GITHUB_BODY, status: 401 },
  ],
);

const shopifySecret = SECRETS.api!.token!;
const shopify = (body: string) => createHmac("sha256", shopifySecret).update(body).digest("base64");
suite(
  "HMAC with a custom header, no prefix, base64 (Shopify style)",
  {
    auth: {
      hmac: {
        secret: { secretKeyRef: { name: "api", key: "token" } },
        header: "X-Shopify-Hmac-Sha256",
        prefix: "",
        encoding: "base64",
      },
    },
  },
  [
    {
      name: "right",
      headers: { "x-shopify-hmac-sha256": shopify('{"id":1}') },
      body: '{"id":1}',
      status: 202,
    },
    {
      name: "signature of another body",
      headers: { "x-shopify-hmac-sha256": shopify('{"id":2}') },
      body: '{"id":1}',
      status: 403,
    },
    {
      name: "hex instead of base64",
      headers: { "x-shopify-hmac-sha256": createHmac("sha256", shopifySecret).update("x").digest("hex") },
      body: "x",
      status: 403,
    },
  ],
);

describe("authentication and CloudEvents", () => {
  it("applies to CloudEvents requests too", async (t) => {
    const { url, sink } = await serve(t, { auth: { bearer: { token: { env: "WEBHOOK_TOKEN" } } } });
    const headers = { "ce-specversion": "1.0", "ce-id": "1", "ce-source": "/s", "ce-type": "t" };
    assert.equal((await send(url, { headers })).status, 401);
    assert.equal(
      (await send(url, { headers: { ...headers, authorization: "Bearer env-token" } })).status,
      202,
    );
    assert.equal(sink.requests.length, 1);
  });
});
