import type { DiagnosticCollector } from "./diagnostics.js";
import type { At, Locator } from "./yaml-locator.js";

export interface ReportOptions {
  /** Point at the key (unknown or missing fields) or the value (the default). */
  readonly at?: At;
  /** Character offset inside the string value (CESQL error positions). */
  readonly offset?: number;
}

/** Reports diagnostics against one YAML document, by JSON pointer. */
export interface Reporter {
  readonly locator: Locator;
  error(pointer: string, code: string, message: string, hint?: string, options?: ReportOptions): void;
  warning(pointer: string, code: string, message: string, hint?: string, options?: ReportOptions): void;
}

/**
 * `prefix` is prepended to the pointers shown to people, for documents embedded in a string
 * value (`/data/default-br-config` + `/clusterDefault/delivery/retry`).
 */
export function createReporter(locator: Locator, collector: DiagnosticCollector, prefix = ""): Reporter {
  const report =
    (severity: "error" | "warning") =>
    (pointer: string, code: string, message: string, hint?: string, options: ReportOptions = {}) => {
      const { line, column } = locator.position(pointer, options.at ?? "value", options.offset);
      collector.add({
        severity,
        code,
        message,
        ...(hint === undefined ? {} : { hint }),
        file: locator.file,
        line,
        column,
        pointer: prefix + pointer,
      });
    };
  return { locator, error: report("error"), warning: report("warning") };
}
