import { resolve } from "node:path";
import { loadManifests } from "@sluice/manifests";
import { intOption, listOption, type OptionSpec, parse, stringOption, UsageError } from "./args.js";
import { countSummary, type Output, printDiagnostics } from "./output.js";
import { brokerClasses, SOURCE_PLUGINS, type StorageKind } from "./plugins.js";

export const VALIDATE_HELP = `Usage: sluice validate -f PATH [-f PATH]... [options]

Checks manifests without running them. Prints every diagnostic as
  file:line:col error CODE message (at /json/pointer)
with a hint line where one helps, and exits 1 if there is any error.

Options:
  -f, --file PATH       manifest file or folder (repeatable, required)
      --sink NAME=URL   address of a ref that is not a broker (repeatable), as for run
      --storage KIND    embedded (default) or memory
      --port N, --host ADDR   the ingress address brokers would have (default 127.0.0.1:8080)
  -h, --help            show this help`;

const OPTIONS: OptionSpec = {
  file: { type: "string", short: "f", multiple: true },
  sink: { type: "string", multiple: true },
  storage: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
};

export async function validateCommand(argv: readonly string[], output: Output): Promise<number> {
  const parsed = parse(argv, OPTIONS);
  if (parsed.values.help) {
    output.out(VALIDATE_HELP);
    return 0;
  }
  const files = listOption(parsed, "file");
  if (files.length === 0) throw new UsageError("give at least one manifest with -f PATH");
  const storage = (stringOption(parsed, "storage") ?? "embedded") as StorageKind;
  const host = stringOption(parsed, "host") ?? "127.0.0.1";
  const port = intOption(parsed, "port", 8080, 0, 65535);
  const loaded = await loadManifests(
    files.map((f) => resolve(f)),
    {
      ingressUrl: `http://${host}:${port}`,
      sinks: listOption(parsed, "sink"),
      plugins: SOURCE_PLUGINS,
      brokerClasses: brokerClasses(storage),
    },
  );
  const errors = printDiagnostics(output, loaded.diagnostics);
  const warnings = loaded.diagnostics.length - errors;
  if (errors > 0 || loaded.resources === undefined) {
    output.err(`${errors} error(s), ${warnings} warning(s) in ${loaded.files.length} file(s)`);
    return 1;
  }
  output.out(
    `ok: ${countSummary(loaded.resources)} in ${loaded.files.length} file(s), ${warnings} warning(s)`,
  );
  return 0;
}
