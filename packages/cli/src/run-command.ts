import { type FSWatcher, watch as watchPath } from "node:fs";
import { resolve } from "node:path";
import { createLogger, isLogLevel, type Logger } from "@sluice/core";
import { type LoadOptions, loadManifests } from "@sluice/manifests";
import { createRuntime, DEFAULT_LIMITS, type Runtime, type RuntimeLimits } from "@sluice/runtime";
import {
  intOption,
  listOption,
  type OptionSpec,
  parse,
  sizeOption,
  stringOption,
  UsageError,
} from "./args.js";
import { countSummary, type Output, printDiagnostics, printSummary } from "./output.js";
import { brokerClasses, createBackends, SOURCE_PLUGINS, type StorageKind } from "./plugins.js";

export const RUN_HELP = `Usage: sluice run -f PATH [-f PATH]... [options]

Loads Knative manifests (files or folders of multi-document YAML), starts the broker ingress,
triggers and sources, prints each broker address and trigger subscriber, then "ready".
SIGINT/SIGTERM stop accepting, let in-flight deliveries finish, and exit 0.

Options:
  -f, --file PATH            manifest file or folder (repeatable, required)
      --port N               ingress port (default 8080; 0 picks a free one)
      --host ADDR            ingress address (default 127.0.0.1)
      --data-dir DIR         where the embedded broker keeps events (default .sluice)
      --storage KIND         embedded (durable, default) or memory
      --sink NAME=URL        address of a ref that is not a broker, e.g. --sink Service/fn=http://127.0.0.1:9000 (repeatable)
      --watch                reload when manifests change (invalid changes are rejected whole)
      --log-level LEVEL      debug, info (default), warn, error
      --log-format FORMAT    text (default) or json
      --max-body-size SIZE   largest accepted event (default 1MiB)
      --max-pending N        per broker: stored events not yet delivered before 429 (default ${DEFAULT_LIMITS.maxPendingEvents})
      --max-pending-per-trigger N
                             per trigger: deliveries waiting before events routed to it get 429, while
                             other triggers' events are still accepted (default: half of --max-pending)
      --max-inflight N       deliveries in flight over all triggers (default ${DEFAULT_LIMITS.inFlightTotal})
      --max-inflight-per-trigger N   (default ${DEFAULT_LIMITS.inFlightPerTrigger})
      --max-inflight-per-failing-trigger N
                             where a trigger's window starts, and falls back to while its last 8
                             deliveries failed every attempt (unreachable, timeout, 5xx); it grows by
                             one per answered delivery, halves per unanswered attempt, and bounds
                             retries too (default ${DEFAULT_LIMITS.inFlightPerFailingTrigger})
  -h, --help                 show this help`;

const OPTIONS: OptionSpec = {
  file: { type: "string", short: "f", multiple: true },
  port: { type: "string" },
  host: { type: "string" },
  "data-dir": { type: "string" },
  storage: { type: "string" },
  sink: { type: "string", multiple: true },
  watch: { type: "boolean" },
  "log-level": { type: "string" },
  "log-format": { type: "string" },
  "max-body-size": { type: "string" },
  "max-pending": { type: "string" },
  "max-pending-per-trigger": { type: "string" },
  "max-inflight": { type: "string" },
  "max-inflight-per-trigger": { type: "string" },
  "max-inflight-per-failing-trigger": { type: "string" },
};

export interface RunSettings {
  readonly files: string[];
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly storage: StorageKind;
  readonly sinks: string[];
  readonly watch: boolean;
  readonly logger: Logger;
  readonly runtimeLimits: Partial<RuntimeLimits>;
}

/** The settings of `sluice run` from its arguments; throws UsageError on a bad one. Exported for tests. */
export function settingsFrom(argv: readonly string[]): RunSettings | "help" {
  const parsed = parse(argv, OPTIONS);
  if (parsed.values.help) return "help";
  const files = listOption(parsed, "file");
  if (files.length === 0) throw new UsageError("give at least one manifest with -f PATH");
  const storage = stringOption(parsed, "storage") ?? "embedded";
  if (storage !== "embedded" && storage !== "memory")
    throw new UsageError(`--storage must be embedded or memory, got "${storage}"`);
  const level = stringOption(parsed, "log-level") ?? "info";
  if (!isLogLevel(level))
    throw new UsageError(`--log-level must be debug, info, warn or error, got "${level}"`);
  const format = stringOption(parsed, "log-format") ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--log-format must be text or json, got "${format}"`);
  const inFlightTotal = intOption(parsed, "max-inflight", DEFAULT_LIMITS.inFlightTotal, 1);
  const maxPendingEvents = intOption(parsed, "max-pending", DEFAULT_LIMITS.maxPendingEvents, 1);
  return {
    files: files.map((f) => resolve(f)),
    port: intOption(parsed, "port", 8080, 0, 65535),
    host: stringOption(parsed, "host") ?? "127.0.0.1",
    dataDir: resolve(stringOption(parsed, "data-dir") ?? ".sluice"),
    storage,
    sinks: listOption(parsed, "sink"),
    watch: parsed.values.watch === true,
    logger: createLogger({ level, format }),
    runtimeLimits: {
      bodyLimit: sizeOption(parsed, "max-body-size", DEFAULT_LIMITS.bodyLimit),
      maxPendingEvents,
      maxPendingPerTrigger: intOption(
        parsed,
        "max-pending-per-trigger",
        Math.max(1, Math.floor(maxPendingEvents / 2)),
        1,
      ),
      inFlightTotal,
      inFlightPerTrigger: Math.min(
        intOption(parsed, "max-inflight-per-trigger", DEFAULT_LIMITS.inFlightPerTrigger, 1),
        inFlightTotal,
      ),
      inFlightPerFailingTrigger: intOption(
        parsed,
        "max-inflight-per-failing-trigger",
        DEFAULT_LIMITS.inFlightPerFailingTrigger,
        1,
      ),
    },
  };
}

/** `sluice run`: resolves with the exit code once the process should exit. */
export async function runCommand(argv: readonly string[], output: Output): Promise<number> {
  const settings = settingsFrom(argv);
  if (settings === "help") {
    output.out(RUN_HELP);
    return 0;
  }
  const { logger } = settings;
  const backends = createBackends({ storage: settings.storage, dataDir: settings.dataDir, logger });
  const runtime = createRuntime({
    host: settings.host,
    port: settings.port,
    logger,
    backendFor: (broker) => backends.backendFor(broker),
    plugins: SOURCE_PLUGINS,
    ...(settings.storage === "memory" ? {} : { dataDir: settings.dataDir }),
    limits: settings.runtimeLimits,
  });
  const stop = async () => {
    await runtime.close();
    await backends.close();
  };
  try {
    await runtime.listen();
  } catch (error) {
    await stop();
    output.err(`sluice: cannot listen on ${settings.host}:${settings.port}: ${(error as Error).message}`);
    return 1;
  }
  const loadOptions: LoadOptions = {
    ingressUrl: runtime.url,
    sinks: settings.sinks,
    plugins: SOURCE_PLUGINS,
    brokerClasses: brokerClasses(settings.storage),
  };
  const loaded = await loadManifests(settings.files, loadOptions);
  const errors = printDiagnostics(output, loaded.diagnostics);
  if (loaded.resources === undefined || errors > 0) {
    output.err(`sluice: ${errors} error(s) in the manifests; nothing started`);
    await stop();
    return 1;
  }
  try {
    await runtime.apply(loaded.resources);
  } catch (error) {
    output.err(`sluice: could not start: ${(error as Error).message}`);
    await stop();
    return 1;
  }
  // Listen for signals before saying "ready": a supervisor may send SIGTERM as soon as it reads
  // it, and a signal with no listener yet ends the process without a graceful stop.
  const stopSignal = waitForSignal();
  printSummary(output, runtime, loaded.resources);
  output.out("ready");
  const watcher = settings.watch
    ? watchManifests(settings.files, () => reload(runtime, settings.files, loadOptions, output))
    : undefined;
  const signal = await stopSignal;
  logger.info("stopping", { signal });
  watcher?.close();
  await stop();
  return 0;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (name: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      // A second signal while stopping means "now".
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      resolve(name);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

let reloading: Promise<void> = Promise.resolve();

function reload(runtime: Runtime, files: string[], options: LoadOptions, output: Output): void {
  reloading = reloading.then(async () => {
    const loaded = await loadManifests(files, options);
    const errors = printDiagnostics(output, loaded.diagnostics);
    if (loaded.resources === undefined || errors > 0) {
      output.err(`sluice: reload rejected (${errors} error(s)); the previous configuration keeps running`);
      return;
    }
    try {
      await runtime.apply(loaded.resources);
      output.out(`reloaded: ${countSummary(loaded.resources)}`);
    } catch (error) {
      output.err(
        `sluice: reload rejected: ${(error as Error).message}; the previous configuration keeps running`,
      );
    }
  });
}

/** Watches files and folders; calls `onChange` once per burst of changes. */
function watchManifests(paths: readonly string[], onChange: () => void): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, 200);
  };
  const watchers: FSWatcher[] = paths.map((p) => watchPath(p, { recursive: true }, fire));
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
