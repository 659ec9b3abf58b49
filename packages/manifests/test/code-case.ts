import type { LoadOptions } from "@sluice/manifests";

export interface CodeCase {
  readonly code: string;
  readonly name: string;
  readonly yaml: string;
  readonly options?: Partial<LoadOptions>;
  /** `severity CODE line:col pointer` of the diagnostic that must be reported. */
  readonly expect: string;
  readonly hint?: RegExp;
}
