import { createHash, createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";
import type { HttpRequest } from "@sluice/core";
import type { AuthSpec, HmacSpec } from "./auth-spec.js";

/**
 * The verdict on a request's credentials. 401 means none were presented (with a challenge for
 * basic and bearer), 403 means they were wrong; neither says which part failed.
 */
export type AuthVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401 | 403; readonly challenge: string | undefined };

export type Authenticator = (request: HttpRequest) => AuthVerdict;

const OK: AuthVerdict = Object.freeze({ ok: true });
const FORBIDDEN: AuthVerdict = Object.freeze({ ok: false, status: 403, challenge: undefined });

/**
 * Builds the check for `spec` (undefined: everyone passes). Secrets are revealed once, here, and
 * kept only as digests or a KeyObject. Comparisons are constant-time: both sides are reduced to
 * SHA-256 digests of equal length before crypto.timingSafeEqual, so neither the content nor the
 * length of a secret leaks through timing.
 */
export function createAuthenticator(spec: AuthSpec | undefined, realm: string): Authenticator {
  if (spec === undefined) return () => OK;
  if ("basic" in spec) {
    const user = spec.basic.username;
    return basic(
      digest(typeof user === "string" ? user : user.reveal()),
      digest(spec.basic.password.reveal()),
      realm,
    );
  }
  if ("bearer" in spec) return bearer(digest(spec.bearer.token.reveal()), realm);
  return hmac(spec.hmac);
}

function digest(value: string | Uint8Array): Buffer {
  return createHash("sha256").update(value).digest();
}

function unauthenticated(challenge: string | undefined): AuthVerdict {
  return { ok: false, status: 401, challenge };
}

function authorization(request: HttpRequest): string | undefined {
  const value = request.headers.authorization;
  return Array.isArray(value) ? undefined : value;
}

/** RFC 7617: `Authorization: Basic base64(user ":" password)`. */
function basic(user: Buffer, password: Buffer, realm: string): Authenticator {
  const challenge = `Basic realm="${realm}", charset="UTF-8"`;
  return (request) => {
    const match = /^basic[ \t]+(\S*)[ \t]*$/i.exec(authorization(request) ?? "");
    if (match === null) return unauthenticated(challenge);
    const token = match[1] ?? "";
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(token)) return FORBIDDEN;
    const decoded = Buffer.from(token, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon === -1) return FORBIDDEN;
    // Both comparisons always run: the answer must not tell which part was wrong.
    const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), user);
    const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), password);
    return userOk && passwordOk ? OK : FORBIDDEN;
  };
}

/** RFC 6750 §2.1: `Authorization: Bearer <token>`. */
function bearer(token: Buffer, realm: string): Authenticator {
  const challenge = `Bearer realm="${realm}"`;
  return (request) => {
    const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization(request) ?? "");
    if (match === null) return unauthenticated(challenge);
    return timingSafeEqual(digest(match[1] ?? ""), token) ? OK : FORBIDDEN;
  };
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** HMAC-SHA256 of the raw body, as GitHub (`X-Hub-Signature-256: sha256=<hex>`) and others sign. */
function hmac(spec: HmacSpec): Authenticator {
  const key: KeyObject = createSecretKey(Buffer.from(spec.secret.reveal(), "utf8"));
  const prefix = spec.prefix.toLowerCase();
  return (request) => {
    const value = request.headers[spec.header];
    if (value === undefined) return unauthenticated(undefined);
    if (Array.isArray(value) || !value.toLowerCase().startsWith(prefix)) return FORBIDDEN;
    const encoded = value.slice(prefix.length).trim();
    let given: Buffer;
    if (spec.encoding === "hex") {
      if (!HEX_SHA256.test(encoded)) return FORBIDDEN;
      given = Buffer.from(encoded, "hex");
    } else {
      if (!BASE64.test(encoded)) return FORBIDDEN;
      given = Buffer.from(encoded, "base64");
      if (given.length !== 32) return FORBIDDEN;
    }
    const expected = createHmac("sha256", key).update(request.body).digest();
    return timingSafeEqual(given, expected) ? OK : FORBIDDEN;
  };
}
