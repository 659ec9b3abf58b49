import type { SourceResource } from "@sluice/core";

/**
 * The SinkBinding contract (knative sinkbinding_lifecycle.go Do): K_SINK is the resolved sink URL;
 * K_CE_OVERRIDES is the JSON of spec.ceOverrides (`{"extensions":{...}}`), or "" when there are
 * none. For a Broker of this runtime, the URL is its ingress address.
 */
export function sinkBindingEnv(resource: Pick<SourceResource, "sink" | "ceOverrides">): {
  K_SINK: string;
  K_CE_OVERRIDES: string;
} {
  const extensions = resource.ceOverrides;
  return {
    K_SINK: resource.sink.url,
    K_CE_OVERRIDES: Object.keys(extensions).length === 0 ? "" : JSON.stringify({ extensions }),
  };
}

export const RESERVED_ENV: readonly string[] = Object.freeze(["K_SINK", "K_CE_OVERRIDES"]);
