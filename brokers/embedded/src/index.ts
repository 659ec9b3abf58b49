export type { DeadLetterListing, ListDeadLettersOptions } from "./dead-letter-files.js";
export { listDeadLetters } from "./dead-letter-files.js";
export type { EmbeddedBackendOptions } from "./embedded-backend.js";
export { createEmbeddedBackend } from "./embedded-backend.js";
export { EmbeddedBrokerErrors } from "./errors.js";
export type { FileSystem } from "./file-system.js";
export { nodeFileSystem } from "./file-system.js";
