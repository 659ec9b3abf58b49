export type { AttributeRule, RuleInput } from "./attribute-rule.js";
export { isJsonPointer, pointerTokens, resolveAttribute } from "./attribute-rule.js";
export type { AuthSpec, HmacSpec } from "./auth-spec.js";
export { DEFAULT_HMAC } from "./auth-spec.js";
export type { Authenticator, AuthVerdict } from "./authenticator.js";
export { createAuthenticator } from "./authenticator.js";
export type { HttpSourceErrorCode } from "./errors.js";
export { HttpSourceErrors } from "./errors.js";
export { createHttpSource, RETRY_AFTER_SECONDS } from "./http-source.js";
export { httpSourcePlugin } from "./plugin.js";
export { eventFromRequest } from "./request-event.js";
export type { EventRules, HttpSourceSpec } from "./spec.js";
export {
  DEFAULT_EVENT_TYPE,
  DEFAULT_MAX_BODY_SIZE,
  DEFAULT_METHODS,
  defaultEventSource,
  validateHttpSpec,
} from "./spec.js";
