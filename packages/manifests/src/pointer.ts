// JSON pointers (RFC 6901): "/spec/filters/0/exact/type"; "" is the whole document.

export function escapeSegment(segment: string | number): string {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Appends segments to a pointer: child("/spec", "filters", 0) === "/spec/filters/0". */
export function child(pointer: string, ...segments: ReadonlyArray<string | number>): string {
  let out = pointer;
  for (const segment of segments) out += `/${escapeSegment(segment)}`;
  return out;
}

export function splitPointer(pointer: string): string[] {
  if (pointer === "") return [];
  const body = pointer.startsWith("/") ? pointer.slice(1) : pointer;
  return body.split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}
