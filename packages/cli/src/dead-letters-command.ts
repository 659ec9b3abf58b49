import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { listDeadLetters } from "@sluice/broker-embedded";
import { eventToJson } from "@sluice/codec";
import { type OptionSpec, parse, stringOption, UsageError } from "./args.js";
import type { Output } from "./output.js";

export const DEAD_LETTERS_HELP = `Usage: sluice dead-letters [--data-dir .sluice] [--broker NAMESPACE/NAME]

Prints the events kept in the durable dead-letter store of the embedded brokers (those whose
delivery failed for good with no dead-letter sink, or whose dead-letter sink failed too), one
JSON object per line, oldest first:
  {"broker":"default/default","trigger":"default/orders","reason":"...","at":"2026-...Z","event":{...}}
"event" is the CloudEvent in JSON format, with the knativeerror* extensions. It reads the files
without locking them, so it works while "sluice run" is running. Listing keeps the records; to
empty a broker's store, stop sluice and remove that broker's dead-letters file. To send them
again, for example:
  sluice dead-letters | jq -c .event | while read -r e; do
    curl -s -H 'content-type: application/cloudevents+json' -d "$e" http://127.0.0.1:8080/default/default
  done

Options:
      --data-dir DIR       as for run (default .sluice)
      --broker NS/NAME     only this broker
  -h, --help               show this help`;

const OPTIONS: OptionSpec = {
  "data-dir": { type: "string" },
  broker: { type: "string" },
};

export async function deadLettersCommand(argv: readonly string[], output: Output): Promise<number> {
  const parsed = parse(argv, OPTIONS);
  if (parsed.values.help) {
    output.out(DEAD_LETTERS_HELP);
    return 0;
  }
  const dataDir = resolve(stringOption(parsed, "data-dir") ?? ".sluice");
  const only = stringOption(parsed, "broker");
  const broker = only === undefined ? undefined : brokerKey(only);
  if (!existsSync(dataDir)) {
    output.err(
      `sluice dead-letters: no data directory at ${dataDir} (give the one "sluice run" uses with --data-dir)`,
    );
    return 1;
  }
  if (broker !== undefined && !existsSync(join(dataDir, "brokers", broker.namespace, broker.name))) {
    output.err(`sluice dead-letters: no embedded broker ${only} under ${dataDir}`);
    return 1;
  }
  let count = 0;
  let problems = 0;
  const listing = listDeadLetters(dataDir, {
    ...(broker === undefined ? {} : { broker }),
    onProblem: (id, problem) => {
      problems += 1;
      output.err(`sluice dead-letters: broker ${id}: ${problem}`);
    },
  });
  for await (const { broker: id, record } of listing) {
    // the event is JSON text already (its data byte for byte), so it is spliced in, not re-parsed
    output.out(
      `{"broker":${JSON.stringify(id)},"trigger":${JSON.stringify(record.subscription)},` +
        `"reason":${JSON.stringify(record.reason)},"at":${JSON.stringify(new Date(record.at).toISOString())},` +
        `"event":${eventToJson(record.envelope.event)}}`,
    );
    count += 1;
  }
  output.err(
    `${count} dead letter${count === 1 ? "" : "s"}${problems > 0 ? ` (${problems} file(s) cut short, see above)` : ""}`,
  );
  return 0;
}

function brokerKey(text: string): { namespace: string; name: string } {
  const parts = text.split("/");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "")
    throw new UsageError(`--broker takes NAMESPACE/NAME, got ${JSON.stringify(text)}`);
  return { namespace: parts[0]!, name: parts[1]! };
}
