import type { CloudEvent } from "./cloud-event.js";
import type { Logger } from "./logger.js";
import type { Destination, SourceResource } from "./resources.js";
import type { SecretValue } from "./secret.js";

/**
 * A source turns something outside Sluice (a schedule, a webhook, a process, a queue) into
 * CloudEvents sent to its sink. Sources are plugins: each lives in its own package under sources/
 * and depends only on core and codec. The CLI registers them; the runtime starts each one after
 * its sink is ready and stops it on shutdown and on reload.
 */
export interface Source {
  /** Starts producing events through ctx.emit. Resolves once running. */
  start(ctx: SourceContext): Promise<void>;
  /** Stops: no timers, handles or child processes left. Idempotent. */
  close(): Promise<void>;
}

export interface SourceContext {
  readonly logger: Logger;
  /** Aborted when the source must stop. */
  readonly signal: AbortSignal;
  /** A directory for the source's durable state, or undefined when nothing is kept on disk. */
  readonly stateDir: string | undefined;
  /**
   * Sends one event to the resolved sink (in process when the sink is a local broker) with
   * ceOverrides applied and bounded exponential retries. Resolves once the sink accepted it;
   * rejects with the last error after the final retry.
   */
  emit(event: CloudEvent): Promise<void>;
  /** Reports health; an unhealthy source makes /readyz fail with the reason. */
  setHealth(healthy: boolean, reason?: string): void;
  /** Routes on the ingress port, for webhook sources; undefined when no ingress runs. */
  readonly http: HttpRouter | undefined;
}

/** A minimal HTTP surface a source can mount on the ingress server (framework-free). */
export interface HttpRouter {
  /**
   * Serves `path` (exact match, any method) until `signal` of the SourceContext aborts. Throws a
   * SluiceError if the path is taken or collides with a broker address.
   */
  route(path: string, handler: HttpHandler, options?: HttpRouteOptions): void;
}

export interface HttpRouteOptions {
  /** Largest accepted body in bytes; larger requests get 413 before the handler runs. Default 1 MiB. */
  readonly bodyLimit?: number;
}

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body, exactly as received (already bounded by the route's size limit). */
  readonly body: Buffer;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * Validation services the manifest loader offers to plugins, so every kind reports problems the
 * same way (`file:line:col error CODE message (at /pointer)`). Pointers are JSON pointers from the
 * manifest root, e.g. `/spec/schedule`.
 */
export interface ValidationContext {
  readonly namespace: string;
  readonly name: string;
  /** `metadata.annotations` of the manifest (for plugin-specific annotations). */
  readonly annotations: Readonly<Record<string, string>>;
  error(pointer: string, code: string, message: string, hint?: string): void;
  warning(pointer: string, code: string, message: string, hint?: string): void;
  /** Resolves a Destination-shaped value (`ref` and/or `uri`); reports and returns undefined if it cannot. */
  destination(pointer: string, value: unknown): Destination | undefined;
  /** Parses an ISO-8601 duration into ms; reports and returns undefined if invalid. */
  duration(pointer: string, value: unknown): number | undefined;
  /**
   * Resolves a secret reference: `{secretKeyRef: {name, key}}` (a Secret manifest in the same
   * set and namespace) or `{env: NAME}`; reports and returns undefined if it cannot.
   */
  secret(pointer: string, value: unknown): SecretValue | undefined;
}

export interface SourcePlugin<Spec = unknown> {
  /** e.g. "sources.knative.dev/v1" */
  readonly apiVersion: string;
  /** e.g. "PingSource" */
  readonly kind: string;
  /**
   * Validates and defaults the manifest's `spec` (the loader handles `sink` and `ceOverrides`).
   * Reports every problem through ctx; returns the frozen spec, or undefined when invalid.
   */
  validate(spec: Readonly<Record<string, unknown>>, ctx: ValidationContext): Spec | undefined;
  create(resource: SourceResource<Spec>): Source;
  /**
   * The ingress paths a validated spec will mount (webhook sources), so the loader can report
   * two sources on one path, or a path that is a broker address, before anything starts.
   */
  httpPaths?(spec: Spec): readonly string[];
}
