export type { CompiledFilter, TriggerFilterInput } from "./compile.js";
export { compileFilter } from "./compile.js";
export type { FilterErrorCode } from "./errors.js";
export { FilterErrors } from "./errors.js";
export type { Explanation } from "./explain.js";
export { explainFilter } from "./explain.js";
export type { TriggerIndex } from "./trigger-index.js";
export { createTriggerIndex } from "./trigger-index.js";
