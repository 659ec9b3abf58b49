import { randomUUID } from "node:crypto";
import { isJsonMediaType, validateEvent } from "@sluice/codec";
import { type CloudEvent, createCloudEvent, type HttpRequest, SluiceError } from "@sluice/core";
import {
  type AttributeRule,
  describeRule,
  headerValue,
  type RuleInput,
  resolveAttribute,
} from "./attribute-rule.js";
import { HttpSourceErrors } from "./errors.js";
import type { EventRules } from "./spec.js";

/**
 * Turns a request that is not a CloudEvent into one: the body bytes, untouched, become the data
 * and the request's Content-Type its datacontenttype; type, source, subject and id follow the
 * rules; time is when the request arrived. Throws SluiceError (MISSING_VALUE, or a codec error
 * when a header gives an attribute value CloudEvents does not allow): the caller answers 400.
 */
export function eventFromRequest(request: HttpRequest, rules: EventRules, now: number): CloudEvent {
  const contentType = headerValue(request, "content-type");
  const input = ruleInput(request, contentType);
  const attributes: Record<string, string> = {
    specversion: "1.0",
    id: (rules.id === undefined ? undefined : resolveAttribute(rules.id, input)) || randomUUID(),
    source: required(rules.source, input, "source"),
    type: required(rules.type, input, "type"),
    time: new Date(now).toISOString(),
  };
  const subject = rules.subject === undefined ? undefined : resolveAttribute(rules.subject, input);
  if (subject !== undefined) attributes.subject = subject;
  const hasData = request.body.length > 0;
  if (hasData && contentType !== undefined && contentType.trim() !== "")
    attributes.datacontenttype = contentType;
  const event = createCloudEvent(attributes, hasData ? request.body : undefined);
  validateEvent(event);
  return event;
}

function required(rule: AttributeRule, input: RuleInput, attribute: string): string {
  const value = resolveAttribute(rule, input);
  if (value !== undefined && value !== "") return value;
  throw new SluiceError(
    HttpSourceErrors.MISSING_VALUE,
    `the event ${attribute} comes from ${describeRule(rule)}, which the request does not have`,
    { details: { attribute } },
  );
}

/** JSON bodies are parsed at most once, and only when a JSON pointer rule asks. */
function ruleInput(request: HttpRequest, contentType: string | undefined): RuleInput {
  let parsed = false;
  let json: unknown;
  return {
    request,
    json() {
      if (parsed) return json;
      parsed = true;
      if (contentType === undefined || !isJsonMediaType(contentType)) return undefined;
      try {
        json = JSON.parse(request.body.toString("utf8"));
      } catch {
        json = undefined; // not JSON after all: every pointer reads as missing
      }
      return json;
    },
  };
}
