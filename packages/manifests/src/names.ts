import { pathOf } from "./check.js";
import { ManifestErrors } from "./errors.js";
import type { Reporter } from "./reporter.js";
import type { At } from "./yaml-locator.js";

// Kubernetes object names (k8s.io/apimachinery validation): most kinds use DNS-1123 subdomains,
// namespaces DNS-1123 labels.
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && LABEL.test(name);
}

export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && SUBDOMAIN.test(name);
}

/** A valid name close to `name`, for hints: lower-cased, other characters turned into "-". */
export function fixName(name: string, allowDots: boolean): string {
  const cleaned = name
    .toLowerCase()
    .replace(allowDots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return (cleaned === "" ? "name" : cleaned).slice(0, allowDots ? 253 : 63);
}

/** Reports and returns false when `name` is not a valid object name (or namespace). */
export function checkName(
  r: Reporter,
  name: string,
  pointer: string,
  kind: "name" | "namespace",
  at: At = "value",
): boolean {
  const ok = kind === "namespace" ? isDnsLabel(name) : isDnsSubdomain(name);
  if (ok) return true;
  const rule =
    kind === "namespace"
      ? "a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit"
      : "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
  r.error(
    pointer,
    ManifestErrors.INVALID_NAME,
    `${pathOf(pointer)} "${name}" is not ${rule}`,
    `use "${fixName(name, kind === "name")}"`,
    { at },
  );
  return false;
}
