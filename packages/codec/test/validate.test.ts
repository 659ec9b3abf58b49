import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCloudEvent } from "@sluice/core";
import { CodecErrors, validateEvent } from "../src/index.js";
import { expectError } from "./helpers.js";

const BASE = { specversion: "1.0", id: "1", source: "/s", type: "t" };

function event(changes: Record<string, string | undefined>, base: Record<string, string> = BASE) {
  const attributes: Record<string, string> = { ...base };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete attributes[name];
    else attributes[name] = value;
  }
  return createCloudEvent(attributes);
}

describe("validateEvent: required attributes", () => {
  for (const name of ["id", "source", "specversion", "type"]) {
    it(`names a missing ${name}`, () => {
      expectError(() => validateEvent(event({ [name]: undefined })), {
        code: CodecErrors.MISSING_ATTRIBUTE,
        attribute: name,
      });
    });
  }
  for (const name of ["id", "source", "type"]) {
    it(`rejects an empty ${name}`, () => {
      expectError(() => validateEvent(event({ [name]: "" })), {
        code: CodecErrors.INVALID_ATTRIBUTE,
        attribute: name,
      });
    });
  }
  for (const version of ["", "1", "1.1", "0.2", "2.0", "1.0 ", "v1.0"]) {
    it(`rejects specversion ${JSON.stringify(version)}`, () => {
      const error = expectError(() => validateEvent(event({ specversion: version })), {
        code: CodecErrors.UNKNOWN_SPECVERSION,
        attribute: "specversion",
        message: "supported: 1.0, 0.3",
      });
      assert.equal(error.details.value, version);
    });
  }
  it("accepts 1.0 and 0.3", () => {
    validateEvent(event({}));
    validateEvent(event({ specversion: "0.3" }));
  });
});

describe("validateEvent: attribute values", () => {
  const valid: [string, Record<string, string>][] = [
    ["time with Z", { time: "2018-04-05T17:31:00Z" }],
    ["time with fraction and offset", { time: "2018-04-05T17:31:00.123456+05:30" }],
    ["time lower-case t and z", { time: "2018-04-05t17:31:00z" }],
    ["time on a leap day", { time: "2024-02-29T00:00:00-00:00" }],
    ["time with a leap second", { time: "2016-12-31T23:59:60Z" }],
    ["absolute source", { source: "https://github.com/cloudevents" }],
    ["urn source", { source: "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66" }],
    ["phone-number source", { source: "1-555-123-4567" }],
    ["source with escapes and non-ASCII", { source: "/caf%C3%A9/ünïcode" }],
    ["dataschema https", { dataschema: "https://example.com/schema.json#v1" }],
    ["dataschema urn", { dataschema: "urn:example:schema" }],
    ["subject", { subject: "mynewfile.jpg" }],
    ["datacontenttype with parameters", { datacontenttype: 'Text/Plain; CharSet="utf-8"' }],
    ["Unicode extension", { ext: "Grüße 😀 日本" }],
    ["empty extension value", { ext: "" }],
    [
      "extension named dataschema-like in 0.3",
      { specversion: "0.3", dataschema: "not a uri but an extension" },
    ],
    ["0.3 relative schemaurl", { specversion: "0.3", schemaurl: "schemas/v1" }],
    ["1.0 schemaurl is an extension", { schemaurl: "anything goes" }],
    ["digit-first extension name", { "1st": "x" }],
  ];
  for (const [name, changes] of valid) {
    it(`accepts ${name}`, () => validateEvent(event(changes)));
  }

  const invalid: [string, Record<string, string>, string][] = [
    ["time without zone", { time: "2018-04-05T17:31:00" }, "time"],
    ["time as a date", { time: "2018-04-05" }, "time"],
    ["time month 13", { time: "2018-13-05T17:31:00Z" }, "time"],
    ["time Feb 30", { time: "2018-02-30T17:31:00Z" }, "time"],
    ["time Feb 29 in a common year", { time: "2023-02-29T00:00:00Z" }, "time"],
    ["time hour 24", { time: "2018-04-05T24:00:00Z" }, "time"],
    ["time offset 24:00", { time: "2018-04-05T17:31:00+24:00" }, "time"],
    ["time with a space", { time: "2018-04-05 17:31:00Z" }, "time"],
    ["time with an empty fraction", { time: "2018-04-05T17:31:00.Z" }, "time"],
    ["time with trailing text", { time: "2018-04-05T17:31:00Zx" }, "time"],
    ["source with a space", { source: "/a b" }, "source"],
    ["source with a bad escape", { source: "/a%zz" }, "source"],
    ["source with a newline", { source: "/a\nb" }, "source"],
    ["relative dataschema", { dataschema: "/schema.json" }, "dataschema"],
    ["empty dataschema", { dataschema: "" }, "dataschema"],
    ["dataschema with a space", { dataschema: "https://x/a b" }, "dataschema"],
    ["0.3 schemaurl with a space", { specversion: "0.3", schemaurl: "a b" }, "schemaurl"],
    ["empty subject", { subject: "" }, "subject"],
    ["datacontenttype without subtype", { datacontenttype: "json" }, "datacontenttype"],
    ["empty datacontenttype", { datacontenttype: "" }, "datacontenttype"],
    ["NUL in an extension", { ext: "a\u0000b" }, "ext"],
    ["C1 control in an extension", { ext: "a\u0085b" }, "ext"],
    ["DEL in type", { type: "a\u007fb" }, "type"],
    ["noncharacter in id", { id: "a\ufffeb" }, "id"],
    ["supplementary noncharacter", { ext: "\u{1fffe}" }, "ext"],
    ["lone surrogate", { ext: "a\ud800b" }, "ext"],
    [
      "0.3 datacontentencoding with a space",
      { specversion: "0.3", datacontentencoding: "base 64" },
      "datacontentencoding",
    ],
  ];
  for (const [name, changes, attribute] of invalid) {
    it(`rejects ${name}`, () => {
      expectError(() => validateEvent(event(changes)), { code: CodecErrors.INVALID_ATTRIBUTE, attribute });
    });
  }
});

describe("validateEvent: attribute names (spec §Naming Conventions)", () => {
  for (const name of ["data", "Ext", "my-ext", "my_ext", "ext.x", "é", ""]) {
    it(`rejects ${JSON.stringify(name)}`, () => {
      expectError(() => validateEvent(event({ [name]: "x" })), {
        code: CodecErrors.INVALID_ATTRIBUTE_NAME,
        ...(name === "" ? {} : { attribute: name }),
      });
    });
  }

  it("accepts names longer than the recommended 20 characters", () => {
    validateEvent(event({ averyveryverylongextensionname: "x" }));
  });
});
