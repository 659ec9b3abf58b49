import { asBoolean, asMapping, asString, asStringMap, isAbsent, pathOf, wrongType } from "./check.js";
import type { LoadContext } from "./context.js";
import { ManifestErrors } from "./errors.js";
import type { Manifest } from "./manifest.js";
import { child } from "./pointer.js";
import type { Reporter } from "./reporter.js";

// ConfigMap and Secret manifests: the data Brokers' spec.config and secret references read.
// Secret values never appear in a diagnostic.

const KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkKey(r: Reporter, key: string, pointer: string, kind: string): boolean {
  if (KEY.test(key) && key.length <= 253) return true;
  r.error(
    pointer,
    ManifestErrors.INVALID_NAME,
    `${kind} key "${key}" may contain only letters, digits, '-', '_' and '.'`,
    undefined,
    { at: "key" },
  );
  return false;
}

function checkKeys(
  r: Reporter,
  map: Readonly<Record<string, string>>,
  pointer: string,
  kind: string,
): boolean {
  return Object.keys(map)
    .map((key) => checkKey(r, key, child(pointer, key), kind))
    .every(Boolean);
}

/** Decodes a map of base64 values; reports each bad one (without its value). */
function decodeBase64Map(
  r: Reporter,
  value: unknown,
  pointer: string,
  kind: string,
): Record<string, string> | undefined {
  const map = asMapping(r, value, pointer);
  if (map === undefined) return isAbsent(value) ? {} : undefined;
  const out: Record<string, string> = {};
  let ok = true;
  for (const [key, encoded] of Object.entries(map)) {
    const at = child(pointer, key);
    ok = checkKey(r, key, at, kind) && ok;
    if (isAbsent(encoded)) {
      out[key] = "";
      continue;
    }
    if (typeof encoded !== "string") {
      wrongType(r, at, "a base64 string", encoded, { sensitive: true });
      ok = false;
      continue;
    }
    const compact = encoded.replace(/\s+/g, "");
    if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
      r.error(
        at,
        ManifestErrors.INVALID_BASE64,
        `${pathOf(at)} is not valid base64`,
        kind === "Secret"
          ? "encode it (printf %s 'value' | base64) or put the plain text under stringData"
          : "encode it (printf %s 'value' | base64) or put the plain text under data",
      );
      ok = false;
      continue;
    }
    out[key] = Buffer.from(compact, "base64").toString("utf8");
  }
  return ok ? out : undefined;
}

function overlap(
  r: Reporter,
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
  pointer: string,
) {
  for (const key of Object.keys(b)) {
    if (Object.hasOwn(a, key)) {
      r.error(
        child(pointer, key),
        ManifestErrors.INVALID_VALUE,
        `key "${key}" is both in data and binaryData`,
        undefined,
        {
          at: "key",
        },
      );
    }
  }
}

function readConfigMap(m: Manifest): Record<string, string> | undefined {
  const { r, body } = m;
  const data = asStringMap(r, body.data, "/data");
  const dataOk =
    data === undefined
      ? body.data === undefined || body.data === null
      : checkKeys(r, data, "/data", "ConfigMap");
  const binary = decodeBase64Map(r, body.binaryData, "/binaryData", "ConfigMap");
  asBoolean(r, body.immutable, "/immutable");
  if (!dataOk || binary === undefined) return undefined;
  if (data !== undefined) overlap(r, data, binary, "/binaryData");
  return { ...binary, ...data };
}

function readSecret(m: Manifest): Record<string, string> | undefined {
  const { r, body } = m;
  const data = decodeBase64Map(r, body.data, "/data", "Secret");
  const strings = asStringMap(r, body.stringData, "/stringData", { sensitive: true });
  const stringsOk =
    strings === undefined
      ? body.stringData === undefined || body.stringData === null
      : checkKeys(r, strings, "/stringData", "Secret");
  asString(r, body.type, "/type");
  asBoolean(r, body.immutable, "/immutable");
  if (data === undefined || !stringsOk) return undefined;
  // Kubernetes merges stringData into data on write, stringData winning.
  return { ...data, ...strings };
}

/** Validates a ConfigMap or Secret and records its decoded data in ctx.configData. */
export function readConfigData(ctx: LoadContext, m: Manifest): void {
  const data = m.role === "Secret" ? readSecret(m) : readConfigMap(m);
  if (data !== undefined) ctx.configData.set(m, Object.freeze(data));
}
