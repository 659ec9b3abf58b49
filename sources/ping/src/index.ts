export type { Clock } from "./clock.js";
export { MAX_TIMER_MS, systemClock } from "./clock.js";
export type { CronSchedule } from "./cron.js";
export { CRON_DESCRIPTORS, parseCron, splitTimeZonePrefix } from "./cron.js";
export type { PingErrorCode } from "./errors.js";
export { PingErrors } from "./errors.js";
export { latestTick, nextTick, ticksBetween } from "./next-tick.js";
export type { PingSourceOptions } from "./ping-source.js";
export {
  CATCH_UP_ANNOTATION,
  catchUpWindow,
  createPingSource,
  PING_EVENT_TYPE,
  pingEventSource,
} from "./ping-source.js";
export { pingSourcePlugin } from "./plugin.js";
export type { PingSpec } from "./spec.js";
export { DEFAULT_SCHEDULE, decodeStdBase64, validatePingSpec } from "./spec.js";
export { readLastTick, STATE_FILE, writeLastTick } from "./state-file.js";
export type { TimeZone } from "./time-zone.js";
export { firstOffsetChange, loadTimeZone } from "./time-zone.js";
export { nextWallMatch } from "./wall-match.js";
