import { performance } from "node:perf_hooks";

/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on the
 * same machine (time origin + monotonic offset). Used for the send timestamp a generator puts in
 * each event and the recording sink subtracts.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
