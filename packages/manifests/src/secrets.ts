import { SecretValue } from "@sluice/core";
import { asMapping, asString, checkFields, isAbsent, pathOf, requireField } from "./check.js";
import type { LoadContext } from "./context.js";
import { ManifestErrors } from "./errors.js";
import { child } from "./pointer.js";
import type { Reporter } from "./reporter.js";

const SHAPES =
  "write {secretKeyRef: {name: SECRET, key: KEY}} (a Secret manifest in the same namespace) or {env: VARIABLE}";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function fromEnv(ctx: LoadContext, r: Reporter, value: unknown, pointer: string): SecretValue | undefined {
  const name = asString(r, value, pointer);
  if (name === undefined) return undefined;
  if (!ENV_NAME.test(name)) {
    r.error(
      pointer,
      ManifestErrors.INVALID_VALUE,
      `${pathOf(pointer)} "${name}" is not an environment variable name`,
    );
    return undefined;
  }
  const secret = ctx.options.env[name];
  if (secret === undefined) {
    r.error(
      pointer,
      ManifestErrors.SECRET_NOT_FOUND,
      `environment variable ${name} is not set`,
      `set ${name} in the environment sluice runs in`,
    );
    return undefined;
  }
  return new SecretValue(secret, `environment variable ${name}`);
}

function fromSecret(
  ctx: LoadContext,
  r: Reporter,
  value: unknown,
  pointer: string,
  namespace: string,
): SecretValue | undefined {
  const ref = asMapping(r, value, pointer);
  if (ref === undefined) return undefined;
  checkFields(r, ref, pointer, ["name", "key"], "secretKeyRef");
  const name = asString(r, requireField(r, ref, "name", pointer), child(pointer, "name"));
  const key = asString(r, requireField(r, ref, "key", pointer), child(pointer, "key"));
  if (name === undefined || key === undefined) return undefined;
  const manifest = ctx.index.get("", "Secret", namespace, name);
  if (manifest === undefined || manifest.role !== "Secret") {
    const names = ctx.index.withRole("Secret", namespace).map((s) => s.name);
    r.error(
      child(pointer, "name"),
      ManifestErrors.SECRET_NOT_FOUND,
      `Secret "${name}" is not in the manifests (namespace "${namespace}")`,
      names.length > 0
        ? `Secrets in namespace "${namespace}": ${names.join(", ")}`
        : `add a Secret manifest named "${name}" in namespace "${namespace}" with stringData.${key}`,
    );
    return undefined;
  }
  ctx.referenced.add(manifest);
  const data = ctx.configData.get(manifest);
  if (data === undefined) return undefined; // the Secret itself is invalid, already reported
  const secret = data[key];
  if (secret === undefined) {
    const keys = Object.keys(data);
    r.error(
      child(pointer, "key"),
      ManifestErrors.SECRET_NOT_FOUND,
      `Secret "${name}" has no key "${key}"`,
      keys.length > 0 ? `its keys: ${keys.join(", ")}` : `add data.${key} or stringData.${key} to the Secret`,
    );
    return undefined;
  }
  return new SecretValue(secret, `Secret ${namespace}/${name} key ${key}`);
}

/**
 * Resolves `{secretKeyRef: {name, key}}` or `{env: NAME}` for a manifest in `namespace`
 * (ValidationContext.secret). Reports and returns undefined if it cannot.
 */
export function resolveSecret(
  ctx: LoadContext,
  r: Reporter,
  pointer: string,
  value: unknown,
  namespace: string,
): SecretValue | undefined {
  if (typeof value === "string") {
    r.error(
      pointer,
      ManifestErrors.INVALID_TYPE,
      `${pathOf(pointer)} must be a secret reference, not inline text`,
      SHAPES,
    );
    return undefined;
  }
  const spec = asMapping(r, value, pointer, { hint: SHAPES, sensitive: true });
  if (spec === undefined) {
    if (isAbsent(value))
      r.error(pointer, ManifestErrors.MISSING_FIELD, `${pathOf(pointer)} is required`, SHAPES, { at: "key" });
    return undefined;
  }
  checkFields(r, spec, pointer, ["secretKeyRef", "env"], "a secret reference");
  const hasRef = !isAbsent(spec.secretKeyRef);
  const hasEnv = !isAbsent(spec.env);
  if (hasRef === hasEnv) {
    r.error(
      pointer,
      ManifestErrors.INVALID_VALUE,
      `${pathOf(pointer)} needs exactly one of secretKeyRef and env`,
      SHAPES,
    );
    return undefined;
  }
  return hasEnv
    ? fromEnv(ctx, r, spec.env, child(pointer, "env"))
    : fromSecret(ctx, r, spec.secretKeyRef, child(pointer, "secretKeyRef"), namespace);
}
