import { SluiceError } from "@sluice/core";
import { Pool } from "undici";
import { DELIVERY_DEFAULTS } from "./defaults.js";
import { DeliveryErrors } from "./errors.js";

/** A parsed destination URL and the connection pool of its origin. */
export interface Target {
  readonly url: string;
  readonly pool: Pool;
  /** Path and query, as sent on the request line. */
  readonly path: string;
}

export interface TargetsOptions {
  readonly connectionsPerOrigin: number | null;
  readonly keepAliveTimeoutMs: number;
}

/**
 * One undici Pool per origin (keep-alive, no pipelining), created on first use; URLs are parsed
 * once and cached, so nothing re-parses a subscriber URL per event. Connections are not capped
 * per origin by default: a capped shared pool would let one hanging trigger starve another
 * trigger of the same origin, and the runtime already bounds in-flight deliveries.
 */
export class Targets {
  readonly #targets = new Map<string, Target>();
  readonly #pools = new Map<string, Pool>();
  readonly #options: TargetsOptions;

  constructor(options: TargetsOptions) {
    this.#options = options;
  }

  /** Throws SluiceError INVALID_URL for anything but an absolute http(s) URL. */
  resolve(url: string): Target {
    const cached = this.#targets.get(url);
    if (cached !== undefined) return cached;
    const parsed = parseUrl(url);
    const target: Target = { url, pool: this.#pool(parsed.origin), path: parsed.pathname + parsed.search };
    if (this.#targets.size >= DELIVERY_DEFAULTS.maxCachedTargets) this.#targets.clear();
    this.#targets.set(url, target);
    return target;
  }

  /** Closes every connection at once (in-flight requests are aborted by then). */
  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    this.#targets.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => {})));
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: this.#options.connectionsPerOrigin,
        pipelining: 1,
        keepAliveTimeout: this.#options.keepAliveTimeoutMs,
        // The attempt timeout (shared delay queue) covers connect, headers and body; undici's own
        // timers would only race it.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new SluiceError(DeliveryErrors.INVALID_URL, "the destination is not an absolute URL", {
      cause: error,
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new SluiceError(
      DeliveryErrors.INVALID_URL,
      `the destination scheme ${parsed.protocol} is not http(s)`,
    );
  }
  return parsed;
}
