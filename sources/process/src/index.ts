export type { ProcessSourceErrorCode } from "./errors.js";
export { ProcessSourceErrors } from "./errors.js";
export { forwardLines, MAX_LINE_LENGTH } from "./line-forwarder.js";
export { processSourcePlugin } from "./plugin.js";
export { groupAlive, signalGroup, stopGroup, waitForGroupExit } from "./process-group.js";
export { createProcessSource, restartDelay, workingDirectory } from "./process-source.js";
export { RESERVED_ENV, sinkBindingEnv } from "./sink-binding.js";
export type { EnvEntry, ProcessSpec, RestartPolicy, RestartSpec } from "./spec.js";
export { DEFAULT_RESTART, DEFAULT_STOP_GRACE_PERIOD_MS, validateProcessSpec } from "./spec.js";
