export type {
  DeadLetterListing,
  ListDeadLettersOptions,
  PurgeDeadLettersOptions,
  PurgedStore,
} from "./dead-letter-files.js";
export { listDeadLetters, purgeDeadLetters } from "./dead-letter-files.js";
export type { EmbeddedBackendOptions } from "./embedded-backend.js";
export { createEmbeddedBackend } from "./embedded-backend.js";
export { EmbeddedBrokerErrors } from "./errors.js";
export type { FileSystem } from "./file-system.js";
export { nodeFileSystem } from "./file-system.js";
