import type { Diagnostic, ResourceSet } from "@sluice/manifests";
import { formatDiagnostic } from "@sluice/manifests";
import type { Runtime } from "@sluice/runtime";

export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Resolves once everything given to out() so far has been written (absent: nothing buffers). */
  flush?(): Promise<void>;
}

export const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  // writes complete in order, so the callback of an empty one comes after all earlier ones; it
  // gets the error if stdout failed (a full disk), so a caller does not go on as if all was written
  flush: () =>
    new Promise((resolve, reject) =>
      process.stdout.write("", (error) => (error ? reject(error) : resolve())),
    ),
};

/** Prints diagnostics (errors and warnings) to stderr; returns the number of errors. */
export function printDiagnostics(output: Output, diagnostics: readonly Diagnostic[]): number {
  let errors = 0;
  for (const d of diagnostics) {
    output.err(formatDiagnostic(d));
    if (d.severity === "error") errors++;
  }
  return errors;
}

/** One line per broker (its address), trigger (its resolved subscriber) and source. */
export function printSummary(output: Output, runtime: Runtime, resources: ResourceSet): void {
  for (const host of runtime.brokers()) {
    const b = host.resource;
    output.out(`broker  ${b.id}  ${runtime.url}/${b.namespace}/${b.name}  (${host.backendKind})`);
  }
  for (const t of resources.triggers) {
    const order = t.ordered ? "  (ordered)" : "";
    output.out(`trigger ${t.id}  ${t.namespace}/${t.broker} -> ${t.subscriber.url}${order}`);
  }
  for (const s of resources.sources) {
    output.out(`source  ${s.kind} ${s.id} -> ${s.sink.url}`);
  }
}

export function countSummary(resources: ResourceSet): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  return [
    n(resources.brokers.length, "broker"),
    n(resources.triggers.length, "trigger"),
    n(resources.sources.length, "source"),
  ].join(", ");
}
