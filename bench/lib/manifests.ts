import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Broker address path: the multi-tenant URL shape `/<namespace>/<broker>`. */
export const BENCH_NAMESPACE = "bench";
export const BENCH_BROKER = "bench";

export interface DeliverySpec {
  readonly retry?: number;
  readonly backoffPolicy?: "exponential" | "linear";
  readonly backoffDelay?: string;
  readonly timeout?: string;
}

export interface TriggerSpec {
  readonly name: string;
  readonly subscriberUrl: string;
  /** `spec.filters` (new dialects); omitted: the trigger matches every event. */
  readonly filters?: readonly Readonly<Record<string, unknown>>[];
  /** `spec.filter.attributes` (legacy exact match). */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly delivery?: DeliverySpec;
}

export interface PipelineSpec {
  readonly delivery?: DeliverySpec;
  readonly triggers: readonly TriggerSpec[];
}

/**
 * Writes one Broker and its Triggers as a multi-document manifest file in `dir` and returns the
 * folder for `sluice run -f`. Documents are written as JSON, which is valid YAML, so thousands of
 * triggers need no YAML library.
 */
export function writePipeline(dir: string, spec: PipelineSpec): string {
  mkdirSync(dir, { recursive: true });
  const docs: object[] = [
    {
      apiVersion: "eventing.knative.dev/v1",
      kind: "Broker",
      metadata: { name: BENCH_BROKER, namespace: BENCH_NAMESPACE },
      spec: spec.delivery === undefined ? {} : { delivery: spec.delivery },
    },
  ];
  for (const t of spec.triggers) docs.push(triggerDoc(t));
  writeFileSync(join(dir, "pipeline.yaml"), docs.map((d) => JSON.stringify(d)).join("\n---\n"));
  return dir;
}

function triggerDoc(t: TriggerSpec): object {
  const spec: Record<string, unknown> = { broker: BENCH_BROKER, subscriber: { uri: t.subscriberUrl } };
  if (t.filters !== undefined) spec.filters = t.filters;
  if (t.attributes !== undefined) spec.filter = { attributes: t.attributes };
  if (t.delivery !== undefined) spec.delivery = t.delivery;
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name: t.name, namespace: BENCH_NAMESPACE },
    spec,
  };
}

/** The delivery every throughput scenario uses (the broker default): a few quick retries. */
export const DEFAULT_DELIVERY: DeliverySpec = {
  retry: 5,
  backoffPolicy: "exponential",
  backoffDelay: "PT0.2S",
};

/** N triggers that each match every bench event (exact on type), one subscriber URL each. */
export function fanOutPipeline(subscriberUrls: readonly string[], delivery = DEFAULT_DELIVERY): PipelineSpec {
  return {
    delivery,
    triggers: subscriberUrls.map((url, i) => ({
      name: `t${i}`,
      subscriberUrl: url,
      filters: [{ exact: { type: "bench.event" } }],
    })),
  };
}
