import type { DiagnosticCollector } from "./diagnostics.js";
import { ManifestErrors } from "./errors.js";
import { isDnsSubdomain } from "./names.js";
import { isAbsoluteHttpUrl } from "./urls.js";

/** Diagnostics about --sink flags use this as their file; the line is the flag's 1-based position. */
export const SINK_FLAG_FILE = "--sink";

interface SinkFlag {
  readonly index: number;
  readonly raw: string;
  readonly url: string;
  used: boolean;
}

/** Addresses given on the command line for refs to things Sluice does not run (PRODUCT.md §8). */
export interface SinkFlags {
  /** `KIND/NAME=URL` (kind compared case-insensitively) first, then `NAME=URL`. */
  find(kind: string, name: string): string | undefined;
  /** Warns about flags no ref used. */
  reportUnused(): void;
}

const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const EXAMPLE = "e.g. --sink Service/hello=http://127.0.0.1:9000 or --sink hello=http://127.0.0.1:9000";

function parseOne(
  raw: string,
  index: number,
  fail: (column: number, message: string, hint?: string) => void,
): { key: string; flag: SinkFlag } | undefined {
  const eq = raw.indexOf("=");
  if (eq < 0) return void fail(1, `--sink "${raw}" must be NAME=URL or KIND/NAME=URL`, EXAMPLE);
  const target = raw.slice(0, eq);
  const url = raw.slice(eq + 1);
  const parts = target.split("/");
  if (parts.length > 2) {
    return void fail(1, `--sink "${target}" must be NAME or KIND/NAME (no namespace)`, EXAMPLE);
  }
  const name = parts[parts.length - 1] as string;
  const kind = parts.length === 2 ? (parts[0] as string) : undefined;
  let ok = true;
  if (kind !== undefined && !KIND.test(kind)) {
    fail(1, `--sink kind "${kind}" is not a Kubernetes kind`, EXAMPLE);
    ok = false;
  }
  if (!isDnsSubdomain(name)) {
    fail(target.length - name.length + 1, `--sink name "${name}" is not a valid object name`, EXAMPLE);
    ok = false;
  }
  if (!isAbsoluteHttpUrl(url)) {
    fail(
      eq + 2,
      `--sink URL "${url}" is not an absolute http(s) URL`,
      "write the full address, e.g. http://127.0.0.1:9000/",
    );
    ok = false;
  }
  if (!ok) return undefined;
  const key = kind === undefined ? name : `${kind.toLowerCase()}/${name}`;
  return { key, flag: { index, raw, url, used: false } };
}

export function parseSinkFlags(values: readonly string[], collector: DiagnosticCollector): SinkFlags {
  const flags = new Map<string, SinkFlag>();
  const report =
    (severity: "error" | "warning", code: string, index: number) =>
    (column: number, message: string, hint?: string) =>
      collector.add({
        severity,
        code,
        message,
        ...(hint === undefined ? {} : { hint }),
        file: SINK_FLAG_FILE,
        line: index + 1,
        column,
        pointer: "",
      });
  values.forEach((raw, index) => {
    const fail = report("error", ManifestErrors.INVALID_SINK_FLAG, index);
    const parsed = parseOne(raw, index, fail);
    if (parsed === undefined) return;
    const previous = flags.get(parsed.key);
    if (previous !== undefined) {
      fail(
        1,
        `--sink for "${raw.slice(0, raw.indexOf("="))}" is given twice`,
        `keep one of "${previous.raw}" and "${raw}"`,
      );
      return;
    }
    flags.set(parsed.key, parsed.flag);
  });
  return {
    find(kind, name) {
      const flag = flags.get(`${kind.toLowerCase()}/${name}`) ?? flags.get(name);
      if (flag === undefined) return undefined;
      flag.used = true;
      return flag.url;
    },
    reportUnused() {
      for (const flag of flags.values()) {
        if (flag.used) continue;
        report("warning", ManifestErrors.UNUSED_SINK_FLAG, flag.index)(
          1,
          `--sink "${flag.raw}" matches no ref in the manifests`,
          "a --sink NAME or KIND/NAME must match the name (and kind) of a ref that is not a Broker",
        );
      }
    },
  };
}
