/** One piece of a LIKE pattern: literal text, `_` (one character) or `%` (any run). */
export type LikePiece =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "one" }
  | { readonly kind: "any" };

/**
 * Splits a LIKE pattern (§3.4.3): `%` is zero or more characters, `_` exactly one, `\%` and `\_`
 * the literal characters; any other character, a backslash before anything else included, stands
 * for itself (so a pattern without wildcards always matches its own text).
 */
export function splitPattern(pattern: string): LikePiece[] {
  const pieces: LikePiece[] = [];
  let text = "";
  const flush = () => {
    if (text !== "") pieces.push({ kind: "text", text });
    text = "";
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const next = pattern[i + 1];
    if (c === "\\" && (next === "%" || next === "_")) {
      text += next;
      i++;
    } else if (c === "%") {
      flush();
      // Consecutive % are one %.
      if (pieces.at(-1)?.kind !== "any") pieces.push({ kind: "any" });
    } else if (c === "_") {
      flush();
      pieces.push({ kind: "one" });
    } else {
      text += c;
    }
  }
  flush();
  return pieces;
}

/**
 * Compiles a pattern once into a matcher. Common shapes (exact, prefix%, %suffix, %infix%, and
 * runs of text separated by %) use string search; patterns with `_` use a RegExp built here, whose
 * `.` matches one Unicode code point, as `_` matches one character.
 */
export function compileLike(pattern: string): (value: string) => boolean {
  const pieces = splitPattern(pattern);
  if (pieces.some((piece) => piece.kind === "one")) return regexMatcher(pieces);
  const texts = pieces.flatMap((piece) => (piece.kind === "text" ? [piece.text] : []));
  const leadingAny = pieces[0]?.kind === "any";
  const trailingAny = pieces.at(-1)?.kind === "any";
  if (texts.length === 0) return pieces.length === 0 ? (value) => value === "" : () => true;
  if (texts.length === 1) {
    const only = texts[0]!;
    if (leadingAny && trailingAny) return (value) => value.includes(only);
    if (leadingAny) return (value) => value.endsWith(only);
    if (trailingAny) return (value) => value.startsWith(only);
    return (value) => value === only;
  }
  return segmentMatcher(texts, leadingAny, trailingAny);
}

/** Text runs separated by %: the first anchors at the start, the last at the end, the rest in order. */
function segmentMatcher(
  texts: string[],
  leadingAny: boolean,
  trailingAny: boolean,
): (value: string) => boolean {
  const first = leadingAny ? "" : texts[0]!;
  const last = trailingAny ? "" : texts.at(-1)!;
  const middle = texts.slice(leadingAny ? 0 : 1, trailingAny ? texts.length : -1);
  return (value) => {
    if (value.length < first.length + last.length) return false;
    if (!value.startsWith(first) || !value.endsWith(last)) return false;
    let at = first.length;
    const limit = value.length - last.length;
    for (const text of middle) {
      const found = value.indexOf(text, at);
      if (found < 0 || found + text.length > limit) return false;
      at = found + text.length;
    }
    return true;
  };
}

function regexMatcher(pieces: LikePiece[]): (value: string) => boolean {
  let source = "^";
  for (const piece of pieces) {
    if (piece.kind === "any") source += ".*";
    else if (piece.kind === "one") source += ".";
    else source += piece.text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
  }
  const regex = new RegExp(`${source}$`, "su");
  return (value) => regex.test(value);
}
