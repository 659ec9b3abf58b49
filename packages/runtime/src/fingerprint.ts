import { createHash } from "node:crypto";
import { SecretValue } from "@sluice/core";

/**
 * A stable text for deciding whether a resource changed on reload. Secret values contribute a
 * hash (so rotating a secret restarts the source) and never appear in clear.
 */
export function fingerprint(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (value instanceof SecretValue) {
    return { secret: createHash("sha256").update(value.reveal()).digest("hex") };
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [k, normalize(v)]);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key === "location") continue;
      out[key] = normalize((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}
