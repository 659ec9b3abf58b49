import { type CloudEvent, SPEC_VERSIONS } from "@sluice/core";
import { attributeError, CodecErrors } from "./errors.js";
import { isMediaType } from "./media-type.js";
import { checkAbsoluteUri, checkString, checkTimestamp, checkUriReference, quote } from "./value-checks.js";

/** spec.md §"Naming Conventions": `[a-z0-9]`, at least one character, never `data`. */
export function isAttributeName(name: string): boolean {
  // Same rule as core's ATTRIBUTE_NAME, as a loop: it runs for every attribute of every event.
  const length = name.length;
  if (length === 0 || name === "data") return false;
  for (let i = 0; i < length; i++) {
    const code = name.charCodeAt(i);
    if (!((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39))) return false;
  }
  return true;
}

export function invalidNameError(name: string, where: string): Error {
  const reason =
    name === "data"
      ? "`data` is reserved for the event data"
      : "attribute names use only lower-case letters a-z and digits 0-9";
  return attributeError(
    CodecErrors.INVALID_ATTRIBUTE_NAME,
    name,
    `invalid attribute name ${quote(name)} (${where}): ${reason}`,
  );
}

function invalid(name: string, value: string, reason: string): Error {
  return attributeError(
    CodecErrors.INVALID_ATTRIBUTE,
    name,
    `attribute "${name}" ${reason}, got ${quote(value)}`,
  );
}

function missing(name: string): Error {
  return attributeError(
    CodecErrors.MISSING_ATTRIBUTE,
    name,
    `required attribute "${name}" is missing (a CloudEvent needs id, source, specversion and type)`,
  );
}

/**
 * Checks an event against CloudEvents 1.0 or 0.3 (chosen by its specversion) and throws the first
 * problem as a SluiceError naming the attribute. It reads values and never rewrites them.
 */
export function validateEvent(event: CloudEvent): void {
  const attributes = event.attributes;
  const specversion = attributes.get("specversion");
  if (specversion === undefined) throw missing("specversion");
  if (specversion !== "1.0" && specversion !== "0.3") {
    throw attributeError(
      CodecErrors.UNKNOWN_SPECVERSION,
      "specversion",
      `specversion ${quote(specversion)} is not supported (supported: ${SPEC_VERSIONS.join(", ")})`,
      { value: specversion },
    );
  }
  for (const name of REQUIRED_AFTER_SPECVERSION) {
    const value = attributes.get(name);
    if (value === undefined) throw missing(name);
    if (value === "") throw invalid(name, value, "must be a non-empty string");
  }
  const v1 = specversion === "1.0";
  for (const [name, value] of attributes) {
    if (!isAttributeName(name)) throw invalidNameError(name, "attribute");
    const stringProblem = checkString(value);
    if (stringProblem !== undefined) throw invalid(name, value, stringProblem);
    const problem = checkKnownAttribute(name, value, v1);
    if (problem !== undefined) throw invalid(name, value, problem);
  }
}

const REQUIRED_AFTER_SPECVERSION = ["id", "source", "type"] as const;

/** The constraints spec.md (1.0) or the 0.3 spec put on the attributes they define. */
function checkKnownAttribute(name: string, value: string, v1: boolean): string | undefined {
  switch (name) {
    case "source":
      return checkUriReference(value);
    case "time":
      return checkTimestamp(value);
    case "subject":
      return value === "" ? "must be a non-empty string when present" : undefined;
    case "datacontenttype":
      return checkMediaType(value);
    case "dataschema":
      return v1 ? checkAbsoluteUri(value) : undefined;
    case "schemaurl":
      // 0.3 defines schemaurl as a URI-reference (the 1.0 dataschema is an absolute URI).
      return v1 ? undefined : checkUriReference(value);
    case "datacontentencoding":
      // 0.3: an RFC 2045 §6.1 mechanism; only "base64" is defined for CloudEvents.
      return v1 || /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(value)
        ? undefined
        : "must be an RFC 2045 encoding token";
    default:
      return undefined;
  }
}

function checkMediaType(value: string): string | undefined {
  return isMediaType(value) ? undefined : "must be an RFC 2046 media type such as application/json";
}
