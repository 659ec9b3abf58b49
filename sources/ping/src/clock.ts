/** Time as the ping source sees it; tests pass a manual clock so DST days take no time. */
export interface Clock {
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimer: (callback: () => void, delayMs: number) => setTimeout(callback, delayMs),
  clearTimer: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
});

/** setTimeout's largest delay (2^31 - 1 ms, about 24.8 days); longer waits are chained. */
export const MAX_TIMER_MS = 2_147_483_647;
