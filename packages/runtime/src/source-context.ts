import { setTimeout as sleep } from "node:timers/promises";
import { encodeBinary } from "@sluice/codec";
import {
  type CloudEvent,
  type Destination,
  type HttpRouter,
  isSluiceError,
  type Logger,
  type ResourceKey,
  SluiceError,
  type SourceContext,
  silentLogger,
  withAttributes,
} from "@sluice/core";
import { Agent, request } from "undici";
import { RuntimeErrors } from "./errors.js";

export interface EmitRetry {
  /** Total attempts (first one included). */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Knative adapters retry 5 times from 50 ms; we keep the spirit with a cap. */
export const DEFAULT_EMIT_RETRY: EmitRetry = Object.freeze({
  attempts: 6,
  initialDelayMs: 50,
  maxDelayMs: 2000,
});

export interface SourceContextOptions {
  readonly sink: Destination;
  readonly ceOverrides: Readonly<Record<string, string>>;
  readonly logger?: Logger;
  readonly stateDir?: string;
  readonly http?: HttpRouter;
  readonly retry?: EmitRetry;
  /** In-process path to a broker of this runtime (no HTTP hop); used when the sink names a broker. */
  readonly ingest?: (broker: ResourceKey, event: CloudEvent) => Promise<void>;
  readonly onHealth?: (healthy: boolean, reason: string | undefined) => void;
  readonly timeoutMs?: number;
}

export interface HostedSourceContext extends SourceContext {
  readonly healthy: boolean;
  readonly reason: string | undefined;
  /** Aborts the context's signal (pending emits reject). Idempotent. */
  close(): Promise<void>;
}

const RETRYABLE = new Set([404, 408, 409, 429]);

/**
 * The SourceContext the runtime gives each source: `emit` applies ceOverrides and sends the event
 * to the sink — in process when it is a broker of this runtime, else a binary-mode POST — with
 * bounded exponential retries on network errors, 404/408/409/429 and 5xx.
 */
export function createSourceContext(options: SourceContextOptions): HostedSourceContext {
  const controller = new AbortController();
  // Each source gets its own connection pool, so closing the source closes its sockets too.
  let agent: Agent | undefined;
  const logger = options.logger ?? silentLogger;
  const retry = options.retry ?? DEFAULT_EMIT_RETRY;
  const overrides = Object.keys(options.ceOverrides).length > 0 ? options.ceOverrides : undefined;
  let healthy = true;
  let reason: string | undefined;

  const sendOnce = async (event: CloudEvent): Promise<void> => {
    const broker = options.sink.broker;
    if (broker !== undefined && options.ingest !== undefined) return options.ingest(broker, event);
    const { headers, body } = encodeBinary(event);
    agent ??= new Agent({ keepAliveTimeout: 10_000 });
    const response = await request(options.sink.url, {
      dispatcher: agent,
      method: "POST",
      headers,
      body: body === undefined ? null : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      signal: controller.signal,
      headersTimeout: options.timeoutMs ?? 30_000,
      bodyTimeout: options.timeoutMs ?? 30_000,
    });
    await response.body.dump();
    if (response.statusCode >= 200 && response.statusCode < 300) return;
    const retryable = response.statusCode >= 500 || RETRYABLE.has(response.statusCode);
    throw Object.assign(new Error(`sink answered ${response.statusCode}`), { retryable });
  };

  const context: HostedSourceContext = {
    logger,
    signal: controller.signal,
    stateDir: options.stateDir,
    http: options.http,
    get healthy() {
      return healthy;
    },
    get reason() {
      return reason;
    },
    setHealth(next, why) {
      healthy = next;
      reason = next ? undefined : (why ?? "unhealthy");
      options.onHealth?.(healthy, reason);
    },
    async emit(event) {
      const final = overrides === undefined ? event : withAttributes(event, overrides);
      let delay = retry.initialDelayMs;
      for (let attempt = 1; ; attempt++) {
        try {
          await sendOnce(final);
          return;
        } catch (error) {
          const retryable = (error as { retryable?: boolean }).retryable !== false && !isPermanent(error);
          if (controller.signal.aborted || !retryable || attempt >= retry.attempts) {
            throw new SluiceError(
              RuntimeErrors.EMIT_FAILED,
              `could not send event ${final.attributes.get("id")} to ${options.sink.url} after ${attempt} attempt(s): ${messageOf(error)}`,
              { cause: error },
            );
          }
          await sleep(delay, undefined, { signal: controller.signal }).catch(() => undefined);
          delay = Math.min(delay * 2, retry.maxDelayMs);
        }
      }
    },
    async close() {
      controller.abort();
      const closing = agent;
      agent = undefined;
      await closing?.close();
    },
  };
  return context;
}

function isPermanent(error: unknown): boolean {
  // Codec validation errors will not get better by retrying.
  return isSluiceError(error) && error.code.startsWith("SLUICE_ERR_CODEC_");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
