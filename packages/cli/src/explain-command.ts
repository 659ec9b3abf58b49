import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { decodeHttp, eventFromJson } from "@sluice/codec";
import type { CloudEvent } from "@sluice/core";
import { explainFilter } from "@sluice/filters";
import { loadManifests } from "@sluice/manifests";
import { listOption, type OptionSpec, parse, stringOption, UsageError } from "./args.js";
import { type Output, printDiagnostics } from "./output.js";
import { brokerClasses, SOURCE_PLUGINS } from "./plugins.js";

export const EXPLAIN_HELP = `Usage: sluice explain -f PATH [-f PATH]... --event FILE [--broker NAMESPACE/NAME]

Shows, for every trigger, whether the event matches and the clause that decided it, e.g.
  default/orders  no match  filters[1].any[0].prefix.type: "com.acme." is not a prefix of "org.x"

The event file is either a JSON-format CloudEvent ({"specversion":"1.0",...}) or an HTTP request
in binary mode: header lines ("ce-type: ..."), an empty line, then the body. A request line
("POST /default/default HTTP/1.1") at the top is allowed and ignored.

Options:
  -f, --file PATH          manifest file or folder (repeatable, required)
      --event FILE         the event (required)
      --broker NS/NAME     only the triggers of this broker
      --sink NAME=URL      as for run (repeatable)
  -h, --help               show this help`;

const OPTIONS: OptionSpec = {
  file: { type: "string", short: "f", multiple: true },
  event: { type: "string" },
  broker: { type: "string" },
  sink: { type: "string", multiple: true },
};

export async function explainCommand(argv: readonly string[], output: Output): Promise<number> {
  const parsed = parse(argv, OPTIONS);
  if (parsed.values.help) {
    output.out(EXPLAIN_HELP);
    return 0;
  }
  const files = listOption(parsed, "file");
  const eventFile = stringOption(parsed, "event");
  if (files.length === 0 || eventFile === undefined)
    throw new UsageError("give manifests with -f PATH and the event with --event FILE");
  const event = parseEventFile(await readFile(eventFile));
  const loaded = await loadManifests(
    files.map((f) => resolve(f)),
    {
      ingressUrl: "http://127.0.0.1:8080",
      sinks: listOption(parsed, "sink"),
      plugins: SOURCE_PLUGINS,
      brokerClasses: brokerClasses("embedded"),
    },
  );
  const errors = printDiagnostics(
    output,
    loaded.diagnostics.filter((d) => d.severity === "error"),
  );
  if (errors > 0 || loaded.resources === undefined) return 1;
  const only = stringOption(parsed, "broker");
  const triggers = loaded.resources.triggers.filter(
    (t) => only === undefined || `${t.namespace}/${t.broker}` === only,
  );
  if (triggers.length === 0) {
    output.out(only === undefined ? "no triggers" : `no triggers on broker ${only}`);
    return 0;
  }
  const width = Math.max(...triggers.map((t) => t.id.length));
  for (const trigger of triggers) {
    const explanation = explainFilter(trigger, event);
    output.out(
      `${trigger.id.padEnd(width)}  ${explanation.matched ? "match   " : "no match"}  ${explanation.clause}`,
    );
    for (const detail of explanation.details) {
      if (detail !== explanation.clause) output.out(`${" ".repeat(width)}            ${detail}`);
    }
  }
  return 0;
}

/** A JSON-format event, or a binary-mode HTTP request (headers, blank line, body). */
export function parseEventFile(content: Buffer): CloudEvent {
  const text = content.toString("utf8");
  if (text.trimStart().startsWith("{")) return eventFromJson(content);
  // Header bytes are read as latin1, exactly as node:http hands them to the codec; the body
  // stays raw bytes.
  const raw = content.toString("latin1");
  const separator = /\r?\n\r?\n/.exec(raw);
  const head = separator === null ? raw : raw.slice(0, separator.index);
  const bodyStart = separator === null ? content.length : separator.index + separator[0].length;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    if (line.trim() === "" || /^[A-Z]+ \S+ HTTP\/\d/.test(line)) continue;
    const colon = line.indexOf(":");
    if (colon <= 0)
      throw new UsageError(`the event file is neither JSON nor HTTP headers: cannot read "${line}"`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const decoded = decodeHttp(headers, content.subarray(bodyStart));
  const [first] = decoded.events;
  if (first === undefined) throw new UsageError("the event file holds no event");
  return first;
}
