import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  type DeadLetterListing,
  EmbeddedBrokerErrors,
  listDeadLetters,
  purgeDeadLetters,
} from "@sluice/broker-embedded";
import { eventToJson } from "@sluice/codec";
import { isSluiceError } from "@sluice/core";
import { type OptionSpec, parse, stringOption, UsageError } from "./args.js";
import type { Output } from "./output.js";

export const DEAD_LETTERS_HELP = `Usage: sluice dead-letters [--data-dir .sluice] [--broker NAMESPACE/NAME] [--purge]

Prints the events kept in the durable dead-letter store of the embedded brokers (those whose
delivery failed for good with no dead-letter sink, or whose dead-letter sink failed too), one
JSON object per line, oldest first:
  {"broker":"default/default","trigger":"default/orders","reason":"...","at":"2026-...Z","event":{...}}
"event" is the CloudEvent in JSON format, with the knativeerror* extensions. It reads the files
without locking them, so it works while "sluice run" is running. Listing keeps the records.

With --purge it prints them the same way and then empties the stores, so redirect the output to
keep what it removes:
  sluice dead-letters --purge > dead-letters.jsonl
It needs the brokers stopped (it takes their locks and refuses while "sluice run" holds one), and
removes nothing if any store cannot be read to its end or the output cannot be written.

To send them again, for example:
  jq -c .event dead-letters.jsonl | while read -r e; do
    curl -s -H 'content-type: application/cloudevents+json' -d "$e" http://127.0.0.1:8080/default/default
  done

Options:
      --data-dir DIR       as for run (default .sluice)
      --broker NS/NAME     only this broker
      --purge              print, then remove (brokers stopped)
  -h, --help               show this help`;

const OPTIONS: OptionSpec = {
  "data-dir": { type: "string" },
  broker: { type: "string" },
  purge: { type: "boolean" },
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
  if (parsed.values.purge === true) return purge(dataDir, broker, output);
  let count = 0;
  let problems = 0;
  const listing = listDeadLetters(dataDir, {
    ...(broker === undefined ? {} : { broker }),
    onProblem: (id, problem) => {
      problems += 1;
      output.err(`sluice dead-letters: broker ${id}: ${problem}`);
    },
  });
  for await (const listed of listing) {
    output.out(listingLine(listed));
    count += 1;
  }
  output.err(`${letters(count)}${problems > 0 ? ` (${problems} file(s) cut short, see above)` : ""}`);
  return 0;
}

async function purge(
  dataDir: string,
  broker: { namespace: string; name: string } | undefined,
  output: Output,
): Promise<number> {
  // if the output breaks (EPIPE) before the stores are emptied, the process ends with this code
  process.exitCode = 1;
  try {
    const purged = await purgeDeadLetters(dataDir, {
      ...(broker === undefined ? {} : { broker }),
      keep: (listed) => output.out(listingLine(listed)),
      beforeRemoving: async () => output.flush?.(),
    });
    const removed = purged.reduce((sum, store) => sum + store.removed, 0);
    const per = purged.filter((s) => s.removed > 0).map((s) => `${s.broker}: ${s.removed}`);
    output.err(`removed ${letters(removed)}${per.length > 1 ? ` (${per.join(", ")})` : ""}`);
    process.exitCode = undefined;
    return 0;
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    const hint =
      error.code === EmbeddedBrokerErrors.LOCKED
        ? ' (stop "sluice run" first)'
        : error.code === EmbeddedBrokerErrors.DEAD_LETTERS_UNREADABLE
          ? ' ("sluice run" cuts a torn tail when it opens the store)'
          : "";
    output.err(`sluice dead-letters: ${error.message}${hint}; nothing was removed`);
    return 1;
  }
}

/** One record as a JSON line; the event is JSON text already (its data byte for byte), spliced in. */
function listingLine({ broker, record }: DeadLetterListing): string {
  return (
    `{"broker":${JSON.stringify(broker)},"trigger":${JSON.stringify(record.subscription)},` +
    `"reason":${JSON.stringify(record.reason)},"at":${JSON.stringify(new Date(record.at).toISOString())},` +
    `"event":${eventToJson(record.envelope.event)}}`
  );
}

const letters = (n: number) => `${n} dead letter${n === 1 ? "" : "s"}`;

function brokerKey(text: string): { namespace: string; name: string } {
  const parts = text.split("/");
  if (parts.length !== 2 || parts.some((part) => part === "" || part === "." || part === ".."))
    throw new UsageError(`--broker takes NAMESPACE/NAME, got ${JSON.stringify(text)}`);
  return { namespace: parts[0]!, name: parts[1]! };
}
