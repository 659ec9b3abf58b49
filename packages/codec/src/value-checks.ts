// Checks for the CloudEvents type system (spec.md §"Type System"). Each returns a reason when the
// value is invalid, undefined when it is fine; callers turn the reason into an error naming the
// attribute. None of them rewrites a value.

/**
 * §"Type System", String: no control characters (U+0000–U+001F, U+007F–U+009F), no noncharacters,
 * no lone surrogates. In a `u` regex a lone surrogate is a code point of category Cs; a proper pair
 * is not.
 */
const FORBIDDEN_IN_STRING = /[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/u;
/** Printable ASCII: such a string needs no further look (the hot path). */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

export function checkString(value: string): string | undefined {
  if (PLAIN_ASCII.test(value)) return undefined;
  const match = FORBIDDEN_IN_STRING.exec(value);
  if (match === null) return undefined;
  const code = match[0].codePointAt(0)!;
  return `contains the character U+${code.toString(16).toUpperCase().padStart(4, "0")}, which CloudEvents Strings do not allow (control characters, noncharacters, lone surrogates)`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The number in `count` ASCII digits at `at`, or -1. */
function digitsAt(value: string, at: number, count: number): number {
  let number = 0;
  for (let i = at; i < at + count; i++) {
    const code = value.charCodeAt(i);
    if (!(code >= 0x30 && code <= 0x39)) return -1;
    number = number * 10 + code - 0x30;
  }
  return number;
}

const TIMESTAMP_REASON = "must be an RFC 3339 timestamp such as 2018-04-05T17:31:00Z";

/**
 * RFC 3339 §5.6 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`; `T` and `Z` may be
 * lower case (§5.6 NOTE, ABNF strings are case-insensitive); seconds may be 60 (a leap second,
 * §5.7). Parsed by hand: it runs for most events on the hot path.
 */
export function checkTimestamp(value: string): string | undefined {
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  const separator = value.charCodeAt(10) | 0x20;
  if (
    (year | month | day | hour | minute | second) < 0 ||
    value[4] !== "-" ||
    value[7] !== "-" ||
    separator !== 0x74 ||
    value[13] !== ":" ||
    value[16] !== ":"
  ) {
    return TIMESTAMP_REASON;
  }
  let i = 19;
  if (value[i] === ".") {
    const fraction = ++i;
    while (i < value.length && digitsAt(value, i, 1) >= 0) i++;
    if (i === fraction) return TIMESTAMP_REASON;
  }
  const zone = value.charCodeAt(i);
  if ((zone | 0x20) === 0x7a) {
    if (i + 1 !== value.length) return TIMESTAMP_REASON;
  } else if (zone === 0x2b || zone === 0x2d) {
    const offsetHour = digitsAt(value, i + 1, 2);
    const offsetMinute = digitsAt(value, i + 4, 2);
    if ((offsetHour | offsetMinute) < 0 || value[i + 3] !== ":" || i + 6 !== value.length)
      return TIMESTAMP_REASON;
    if (offsetHour > 23 || offsetMinute > 59) return `${TIMESTAMP_REASON} (invalid UTC offset)`;
  } else {
    return TIMESTAMP_REASON;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return `${TIMESTAMP_REASON} (no such date)`;
  if (hour > 23 || minute > 59 || second > 60) return `${TIMESTAMP_REASON} (no such time)`;
  return undefined;
}

/**
 * RFC 3986 §4.1 URI-reference, leniently: no whitespace, no characters RFC 3986 excludes
 * (`"<>\^`{|}` are tolerated for interop with sdk-go, which accepts them), and every `%` starts a
 * valid `%XX` escape. Non-ASCII characters are allowed (RFC 3987 IRIs); control characters are
 * already refused by checkString.
 */
const URI_REFERENCE = /^(?:[^\s%]|%[0-9A-Fa-f]{2})*$/;
/** RFC 3986 §3.1 scheme. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export function checkUriReference(value: string): string | undefined {
  if (value === "") return "must be a non-empty URI-reference";
  if (!URI_REFERENCE.test(value)) {
    return "must be a URI-reference (RFC 3986): no whitespace, and % only as a %XX escape";
  }
  return undefined;
}

/**
 * A URI with a scheme (spec.md: dataschema is a `URI`). A fragment is accepted: the spec's own JSON
 * Schema declares dataschema with `"format": "uri"`, which allows one.
 */
export function checkAbsoluteUri(value: string): string | undefined {
  const reference = checkUriReference(value);
  if (reference !== undefined) return reference.replace("URI-reference", "absolute URI");
  if (!SCHEME.test(value)) return "must be an absolute URI (RFC 3986), starting with a scheme such as https:";
  return undefined;
}

/** Integer (§"Type System"): signed 32-bit. */
export const INTEGER_MIN = -2147483648;
export const INTEGER_MAX = 2147483647;

/** Shortens a value for an error message. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
