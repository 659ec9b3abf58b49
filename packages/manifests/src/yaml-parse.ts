import type { Steps } from "@sluice/core";
import { Composer, type Document, isScalar, LineCounter, Parser, parseAllDocuments, type Tags } from "yaml";
import type { DiagnosticCollector } from "./diagnostics.js";
import { ManifestErrors } from "./errors.js";
import { createReporter, type Reporter } from "./reporter.js";
import { createDocumentLocator, type Locator } from "./yaml-locator.js";

/** One non-empty YAML document of a file, as plain JS values plus a way to report against it. */
export interface ParsedDoc {
  readonly file: string;
  /** 0-based position of the document in its file. */
  readonly index: number;
  readonly value: unknown;
  readonly locator: Locator;
  readonly reporter: Reporter;
  /** The YAML had errors: the value may be partial and is not validated further. */
  readonly broken: boolean;
}

/**
 * Kubernetes reads manifests with YAML 1.1 rules (go-yaml v2 via sigs.k8s.io/yaml), so `yes`/`on`
 * are booleans and `<<` merges; the same text must mean the same thing here. Timestamps stay
 * strings, as they do after Kubernetes' YAML-to-JSON conversion.
 */
export const YAML_OPTIONS = Object.freeze({
  prettyErrors: false,
  version: "1.1" as const,
  merge: true,
  uniqueKeys: true,
  customTags: (tags: Tags) =>
    tags.filter((t) => typeof t !== "object" || t.tag !== "tag:yaml.org,2002:timestamp"),
});

/** Bound on alias expansion ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

const SYNTAX_HINTS: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: "a key may appear once per mapping; remove or rename one of them",
  TAB_AS_INDENT: "YAML does not allow tabs for indentation; indent with spaces",
  BAD_INDENT: "align the key with its siblings (spaces only)",
  MISSING_CHAR: "a quote or bracket is not closed",
  BLOCK_AS_IMPLICIT_KEY: "a key is missing its ':' or a value is indented under the wrong key",
};

/**
 * Parses a file's documents one at a time and hands each to `each` as plain values: a document's
 * syntax tree is dropped as soon as it is converted, so loading 10,000 manifests leaves no tree
 * behind (held until the load ended, the trees of a 2 MB file were ~100 MB, all of it promoted to
 * V8's old space and spread over its pages; the runtime's later minor collections walk every one
 * of those pages). A diagnostic that needs a position inside a document parses the file again,
 * once. Yields between documents (see `Steps` in @sluice/core).
 */
export function* parseYamlText(
  file: string,
  text: string,
  collector: DiagnosticCollector,
  each: (doc: ParsedDoc) => void,
): Steps<void> {
  const lines = new LineCounter();
  let reparsed: Document.Parsed[] | undefined;
  const treeOf = (index: number) => () => {
    reparsed ??= parseAllDocuments(text, YAML_OPTIONS) as Document.Parsed[];
    return reparsed[index] as Document.Parsed;
  };
  const composer = new Composer(YAML_OPTIONS);
  let index = -1;
  for (const doc of composer.compose(new Parser(lines.addNewLine).parse(text))) {
    if (index >= 0) yield; // between documents: the loader may let the event loop run here
    index += 1;
    const locator = createDocumentLocator(file, text, treeOf(index), lines, doc.contents?.range?.[0] ?? 0);
    const reporter = createReporter(locator, collector);
    for (const error of doc.errors) {
      const { line, col } = lines.linePos(error.pos[0]);
      const hint = SYNTAX_HINTS[error.code];
      collector.add({
        severity: "error",
        code: ManifestErrors.YAML_SYNTAX,
        message: `YAML: ${error.message}`,
        ...(hint === undefined ? {} : { hint }),
        file,
        line,
        column: col,
        pointer: "",
      });
    }
    for (const warning of doc.warnings) {
      const { line, col } = lines.linePos(warning.pos[0]);
      collector.add({
        severity: "warning",
        code: ManifestErrors.YAML_WARNING,
        message: `YAML: ${warning.message}`,
        file,
        line,
        column: col,
        pointer: "",
      });
    }
    const contents = doc.contents;
    if (
      contents === null ||
      (isScalar(contents) && (contents.value === null || contents.value === undefined))
    )
      continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      reporter.error("", ManifestErrors.YAML_SYNTAX, `YAML: ${(error as Error).message}`);
      continue;
    }
    each({ file, index, value, locator, reporter, broken: doc.errors.length > 0 });
  }
}
