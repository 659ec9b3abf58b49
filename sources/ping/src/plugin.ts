import type { SourcePlugin, SourceResource } from "@sluice/core";
import { createPingSource } from "./ping-source.js";
import { type PingSpec, validatePingSpec } from "./spec.js";

/** PingSource (sources.knative.dev/v1): CloudEvents on a cron schedule. */
export const pingSourcePlugin: SourcePlugin<PingSpec> = Object.freeze({
  apiVersion: "sources.knative.dev/v1",
  kind: "PingSource",
  validate: validatePingSpec,
  create: (resource: SourceResource<PingSpec>) => createPingSource(resource),
});
