/** One problem found in the manifests (or in a --sink flag), with where it is. */
export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly code: string;
  readonly message: string;
  /** How to fix it; never contains a secret value. */
  readonly hint?: string;
  /** The manifest file, or "--sink" for a bad --sink flag. */
  readonly file: string;
  /** 1-based line and column of the offending key or value. */
  readonly line: number;
  readonly column: number;
  /** JSON pointer from the document root ("" for the document itself). */
  readonly pointer: string;
}

/**
 * `file:line:col error CODE message (at /pointer)`, then `  hint: ...` on a second line when there
 * is a hint. The `(at ...)` part is left out for the document itself (pointer "").
 */
export function formatDiagnostic(d: Diagnostic): string {
  const at = d.pointer === "" ? "" : ` (at ${d.pointer})`;
  const head = `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}${at}`;
  return d.hint === undefined ? head : `${head}\n  hint: ${d.hint}`;
}

/**
 * Collects diagnostics from every stage. The same diagnostic reported twice (a config-br-defaults
 * delivery resolved for several brokers) is kept once.
 */
export class DiagnosticCollector {
  readonly #list: Diagnostic[] = [];
  readonly #seen = new Set<string>();
  #errors = 0;

  add(diagnostic: Diagnostic): void {
    const key = [
      diagnostic.file,
      diagnostic.line,
      diagnostic.column,
      diagnostic.severity,
      diagnostic.code,
      diagnostic.message,
      diagnostic.pointer,
    ].join("\u0000");
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#list.push(Object.freeze({ ...diagnostic }));
    if (diagnostic.severity === "error") this.#errors += 1;
  }

  get errorCount(): number {
    return this.#errors;
  }

  /** Sorted by file (in `fileOrder`, unknown files first), then line and column; stable otherwise. */
  sorted(fileOrder: readonly string[]): readonly Diagnostic[] {
    const rank = new Map(fileOrder.map((file, i) => [file, i]));
    const indexed = this.#list.map((d, i) => ({ d, i }));
    indexed.sort(
      (a, b) =>
        (rank.get(a.d.file) ?? -1) - (rank.get(b.d.file) ?? -1) ||
        a.d.line - b.d.line ||
        a.d.column - b.d.column ||
        a.i - b.i,
    );
    return Object.freeze(indexed.map((x) => x.d));
  }
}
