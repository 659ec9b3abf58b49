import type { SecretValue, ValidationContext } from "@sluice/core";
import { HttpSourceErrors } from "./errors.js";
import { asMapping, asString, child, HEADER_NAME, isAbsent, type Mapping, warnUnknown } from "./fields.js";

/** How requests authenticate; secrets stay SecretValues until the source is created. */
export type AuthSpec =
  | { readonly basic: { readonly username: string | SecretValue; readonly password: SecretValue } }
  | { readonly bearer: { readonly token: SecretValue } }
  | { readonly hmac: HmacSpec };

export interface HmacSpec {
  readonly secret: SecretValue;
  /** Lower-case header carrying the signature. */
  readonly header: string;
  /** Text before the encoded digest in the header (`sha256=` for GitHub). */
  readonly prefix: string;
  readonly encoding: "hex" | "base64";
}

/** GitHub's defaults: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. */
export const DEFAULT_HMAC = Object.freeze({
  header: "x-hub-signature-256",
  prefix: "sha256=",
  encoding: "hex",
});

const SCHEMES = ["basic", "bearer", "hmac"] as const;

export function readAuth(ctx: ValidationContext, value: unknown, pointer: string): AuthSpec | undefined {
  const auth = asMapping(ctx, value, pointer);
  if (auth === undefined) return undefined;
  warnUnknown(ctx, auth, pointer, SCHEMES);
  const present = SCHEMES.filter((scheme) => !isAbsent(auth[scheme]));
  if (present.length !== 1) {
    ctx.error(
      pointer,
      HttpSourceErrors.INVALID_AUTH,
      present.length === 0
        ? "spec.auth needs one of basic, bearer or hmac"
        : `spec.auth sets ${present.join(" and ")}; choose one`,
      "e.g. auth: {hmac: {secret: {secretKeyRef: {name: github, key: webhook-secret}}}}",
    );
    return undefined;
  }
  const scheme = present[0]!;
  const body = asMapping(ctx, auth[scheme], child(pointer, scheme));
  if (body === undefined) return undefined;
  const at = child(pointer, scheme);
  if (scheme === "basic") return readBasic(ctx, body, at);
  if (scheme === "bearer") return readBearer(ctx, body, at);
  return readHmac(ctx, body, at);
}

function secret(
  ctx: ValidationContext,
  body: Mapping,
  key: string,
  pointer: string,
): SecretValue | undefined {
  if (isAbsent(body[key])) {
    ctx.error(
      child(pointer, key),
      HttpSourceErrors.MISSING_FIELD,
      `${key} is required`,
      `${key}: {secretKeyRef: {name: SECRET, key: KEY}} or {env: VARIABLE}`,
    );
    return undefined;
  }
  return ctx.secret(child(pointer, key), body[key]);
}

function readBasic(ctx: ValidationContext, body: Mapping, pointer: string): AuthSpec | undefined {
  warnUnknown(ctx, body, pointer, ["username", "password"]);
  // A user name is not secret: plain text is fine, a secret reference works too.
  let username: string | SecretValue | undefined;
  if (isAbsent(body.username)) {
    ctx.error(child(pointer, "username"), HttpSourceErrors.MISSING_FIELD, "username is required");
  } else if (typeof body.username === "string") {
    username = body.username;
    if (username.includes(":")) {
      ctx.error(
        child(pointer, "username"),
        HttpSourceErrors.INVALID_VALUE,
        "a basic-auth user name cannot contain ':' (RFC 7617)",
      );
      username = undefined;
    }
  } else {
    username = ctx.secret(child(pointer, "username"), body.username);
  }
  const password = secret(ctx, body, "password", pointer);
  if (username === undefined || password === undefined) return undefined;
  return Object.freeze({ basic: Object.freeze({ username, password }) });
}

function readBearer(ctx: ValidationContext, body: Mapping, pointer: string): AuthSpec | undefined {
  warnUnknown(ctx, body, pointer, ["token"]);
  const token = secret(ctx, body, "token", pointer);
  return token === undefined ? undefined : Object.freeze({ bearer: Object.freeze({ token }) });
}

function readHmac(ctx: ValidationContext, body: Mapping, pointer: string): AuthSpec | undefined {
  warnUnknown(ctx, body, pointer, ["secret", "header", "prefix", "encoding"]);
  const key = secret(ctx, body, "secret", pointer);
  let ok = key !== undefined;
  let header: string = DEFAULT_HMAC.header;
  if (!isAbsent(body.header)) {
    const text = asString(ctx, body.header, child(pointer, "header"));
    if (text !== undefined && HEADER_NAME.test(text)) header = text.toLowerCase();
    else {
      if (text !== undefined)
        ctx.error(child(pointer, "header"), HttpSourceErrors.INVALID_VALUE, `"${text}" is not a header name`);
      ok = false;
    }
  }
  const prefix = isAbsent(body.prefix)
    ? DEFAULT_HMAC.prefix
    : asString(ctx, body.prefix, child(pointer, "prefix"));
  const encoding = isAbsent(body.encoding) ? DEFAULT_HMAC.encoding : body.encoding;
  if (encoding !== "hex" && encoding !== "base64") {
    ctx.error(child(pointer, "encoding"), HttpSourceErrors.INVALID_VALUE, "encoding must be hex or base64");
    ok = false;
  }
  if (!ok || prefix === undefined || key === undefined) return undefined;
  return Object.freeze({
    hmac: Object.freeze({ secret: key, header, prefix, encoding: encoding as "hex" | "base64" }),
  });
}
