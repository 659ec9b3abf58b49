/**
 * Strict RFC 4648 §4 base64 (the standard alphabet; spec.md "Binary"). Node's own decoder skips
 * characters it does not know, which would turn a corrupt `data_base64` into silently wrong bytes,
 * so the alphabet and the length are checked first. Padding may be omitted; whitespace and the
 * URL-safe alphabet are refused. Returns undefined when `text` is not base64.
 */
export function decodeBase64(text: string): Buffer | undefined {
  let end = text.length;
  if (text.charCodeAt(end - 1) === 0x3d) end--;
  if (text.charCodeAt(end - 1) === 0x3d) end--;
  if (end !== text.length ? text.length % 4 !== 0 : end % 4 === 1) return undefined;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const ok =
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x30 && code <= 0x39) ||
      code === 0x2b ||
      code === 0x2f;
    if (!ok) return undefined;
  }
  return Buffer.from(text, "base64");
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
