import type { Dispatcher } from "undici";

export type ResponseBody = Dispatcher.ResponseData["body"];

export interface ReadBody {
  /** The first `keep` bytes of the body (fewer if the body is shorter). */
  readonly bytes: Uint8Array;
  /** Bytes seen; more than `max` means the body was cut off (and its connection closed). */
  readonly total: number;
}

/**
 * Reads a response body, keeping its first `keep` bytes and discarding the rest, up to `max`
 * bytes in all; a longer body is abandoned, which makes undici close the connection instead of
 * reusing it. Rejects when the attempt times out or the connection breaks mid-body.
 */
export async function readBody(body: ResponseBody, keep: number, max: number): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (kept < keep) {
      const part = chunk.byteLength <= keep - kept ? chunk : chunk.subarray(0, keep - kept);
      chunks.push(part);
      kept += part.byteLength;
    }
    if (total > max) {
      body.destroy();
      break;
    }
  }
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, kept);
  return { bytes, total };
}

/** Drains a body nobody needs, so its connection is reused (undici closes it past `max` bytes). */
export async function discardBody(body: ResponseBody, max: number): Promise<void> {
  try {
    await body.dump({ limit: max });
  } catch {
    // The body broke or the attempt timed out after a complete status line: the status stands.
  }
}
