import type { SourcePlugin, SourceResource } from "@sluice/core";
import { createProcessSource } from "./process-source.js";
import { type ProcessSpec, validateProcessSpec } from "./spec.js";

/** ProcessSource (sources.sluice.dev/v1alpha1): a local command bound to the sink (SinkBinding contract). */
export const processSourcePlugin: SourcePlugin<ProcessSpec> = Object.freeze({
  apiVersion: "sources.sluice.dev/v1alpha1",
  kind: "ProcessSource",
  validate: validateProcessSpec,
  create: (resource: SourceResource<ProcessSpec>) => createProcessSource(resource),
});
