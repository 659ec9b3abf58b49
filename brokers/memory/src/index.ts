export { MemoryBrokerErrors } from "./errors.js";
export type { MemoryBackendOptions } from "./memory-backend.js";
export { createMemoryBackend } from "./memory-backend.js";
