import type { SourcePlugin, SourceResource } from "@sluice/core";
import { createHttpSource } from "./http-source.js";
import { type HttpSourceSpec, validateHttpSpec } from "./spec.js";

/** HttpSource (sources.sluice.dev/v1alpha1): a webhook endpoint on the ingress port. */
export const httpSourcePlugin: SourcePlugin<HttpSourceSpec> = Object.freeze({
  apiVersion: "sources.sluice.dev/v1alpha1",
  kind: "HttpSource",
  validate: validateHttpSpec,
  create: (resource: SourceResource<HttpSourceSpec>) => createHttpSource(resource),
  httpPaths: (spec: HttpSourceSpec) => [spec.path],
});
