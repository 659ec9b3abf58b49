import type { DeliveryPolicy } from "@sluice/core";
import { MAX_WAIT_MS } from "./defaults.js";

/**
 * The wait before retry `retry` (1 for the first retry, 2 for the second, ...), in ms.
 * exponential: backoffDelay·2^(n-1); linear: backoffDelay·n (PRODUCT.md §5). Knative MTB's
 * go-retryablehttp indexing waits 0 before the first linear retry; Sluice follows the documented
 * formula instead (docs/delivery.md). Capped at MAX_WAIT_MS, the longest a Node timer can wait.
 */
export function backoffDelay(policy: DeliveryPolicy, retry: number): number {
  if (!(retry >= 1) || !(policy.backoffDelayMs > 0)) return 0;
  const factor = policy.backoffPolicy === "linear" ? retry : 2 ** (retry - 1);
  return Math.min(policy.backoffDelayMs * factor, MAX_WAIT_MS);
}

const DELTA_SECONDS = /^\s*(\d+)\s*$/;
const HTTP_DATE_TIME = /[a-z]{3}.*\b\d{2}:\d{2}:\d{2}\b/i;

/**
 * Parses a `Retry-After` value (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, relative to
 * `now` (ms since the epoch). Returns the wait in ms (0 for a date in the past), or undefined when
 * the value is absent or malformed.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = DELTA_SECONDS.exec(value);
  if (seconds !== null) return Math.min(Number(seconds[1]) * 1000, MAX_WAIT_MS);
  // RFC 9110 §5.6.7 date forms all carry hh:mm:ss; Date.parse alone accepts far looser shapes.
  if (!HTTP_DATE_TIME.test(value)) return undefined;
  // IMF-fixdate and rfc850-date say GMT; asctime-date is GMT without saying so.
  const at = Date.parse(/GMT/i.test(value) ? value : `${value} GMT`);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_WAIT_MS);
}

/**
 * Knative data-plane status table (DP "Acknowledgement"; MTB `SelectiveRetry` in retries.go):
 * 404, 408, 409, 429 and every 5xx are retried; 1xx, 3xx and the other 4xx are not.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;
}

/** 2xx is success (DP table: 200, 202 and "other 2xx" complete the delivery). */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/** What the last failed attempt said, as far as the wait before the next one is concerned. */
export interface RetryHint {
  readonly status: number | undefined;
  readonly retryAfter: string | undefined;
}

/**
 * The wait before retry `retry`: the backoff, or a longer `Retry-After` sent with a 429 or 503,
 * itself capped at `retryAfterMaxMs` (0 ignores Retry-After). Knative `generateBackoffFn`:
 * max(backoff, min(retryAfter, retryAfterMax)).
 */
export function retryWait(policy: DeliveryPolicy, retry: number, hint: RetryHint, now: number): number {
  const backoff = backoffDelay(policy, retry);
  if (policy.retryAfterMaxMs <= 0 || (hint.status !== 429 && hint.status !== 503)) return backoff;
  const retryAfter = parseRetryAfter(hint.retryAfter, now);
  if (retryAfter === undefined) return backoff;
  return Math.max(backoff, Math.min(retryAfter, policy.retryAfterMaxMs));
}
