import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { claimsCloudEvent, decodeHttp, encodeBinary, encodeStructured, eventToJson } from "@sluice/codec";
import { type CloudEvent, createCloudEvent } from "@sluice/core";
import { request } from "undici";
import { intOption, listOption, type OptionSpec, parse, stringOption, UsageError } from "./args.js";
import type { Output } from "./output.js";

export const SEND_HELP = `Usage: sluice send TARGET --type T --source S [options]

Sends one CloudEvent and prints the response status (and the reply event, if any).
TARGET is a URL or NAMESPACE/BROKER on the local instance (http://127.0.0.1:8080 unless --port/--host).

Options:
      --type T            event type (required)
      --source S          event source (required)
      --id ID             event id (default: a random UUID)
      --subject S         event subject
      --time TIME         event time (RFC 3339; default: now; "none" to omit)
      --data JSON         data as JSON text (content type application/json unless --content-type)
      --data-file FILE    data from a file (content type application/octet-stream unless --content-type)
      --content-type CT   datacontenttype
      --mode MODE         binary (default) or structured
      --ext NAME=VALUE    extension attribute (repeatable)
      --port N, --host ADDR   local instance address for NAMESPACE/BROKER targets
  -h, --help              show this help`;

const OPTIONS: OptionSpec = {
  type: { type: "string" },
  source: { type: "string" },
  id: { type: "string" },
  subject: { type: "string" },
  time: { type: "string" },
  data: { type: "string" },
  "data-file": { type: "string" },
  "content-type": { type: "string" },
  mode: { type: "string" },
  ext: { type: "string", multiple: true },
  port: { type: "string" },
  host: { type: "string" },
};

export async function sendCommand(argv: readonly string[], output: Output): Promise<number> {
  const parsed = parse(argv, OPTIONS, true);
  if (parsed.values.help) {
    output.out(SEND_HELP);
    return 0;
  }
  const [target, ...extra] = parsed.positionals;
  if (target === undefined || extra.length > 0)
    throw new UsageError("give exactly one TARGET (a URL or NAMESPACE/BROKER)");
  const url = targetUrl(
    target,
    stringOption(parsed, "host") ?? "127.0.0.1",
    intOption(parsed, "port", 8080, 1, 65535),
  );
  const event = await buildEvent(parsed);
  const mode = stringOption(parsed, "mode") ?? "binary";
  if (mode !== "binary" && mode !== "structured")
    throw new UsageError(`--mode must be binary or structured, got "${mode}"`);
  const encoded = mode === "binary" ? encodeBinary(event) : encodeStructured(event);
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, {
      method: "POST",
      headers: encoded.headers,
      body: encoded.body ? Buffer.from(encoded.body) : null,
    });
  } catch (error) {
    output.err(`sluice send: cannot reach ${url}: ${(error as Error).message}`);
    return 1;
  }
  const body = Buffer.from(await response.body.arrayBuffer());
  output.out(`${response.statusCode} ${url}`);
  const headers = response.headers as Record<string, string | string[] | undefined>;
  if (response.statusCode === 200 && claimsCloudEvent(headers)) {
    try {
      const reply = decodeHttp(headers, body).events[0];
      if (reply !== undefined) output.out(`reply: ${eventToJson(reply)}`);
    } catch (error) {
      output.err(`invalid reply event: ${(error as Error).message}`);
      return 1;
    }
  } else if (body.length > 0) {
    output.out(body.toString("utf8"));
  }
  return response.statusCode >= 200 && response.statusCode < 300 ? 0 : 1;
}

function targetUrl(target: string, host: string, port: number): string {
  if (/^https?:\/\//i.test(target)) return target;
  if (/^[^/\s]+\/[^/\s]+$/.test(target)) return `http://${host}:${port}/${target}`;
  throw new UsageError(`TARGET must be a URL or NAMESPACE/BROKER, got "${target}"`);
}

async function buildEvent(parsed: ReturnType<typeof parse>): Promise<CloudEvent> {
  const type = stringOption(parsed, "type");
  const source = stringOption(parsed, "source");
  if (type === undefined || source === undefined) throw new UsageError("--type and --source are required");
  const attributes: Record<string, string> = {
    specversion: "1.0",
    id: stringOption(parsed, "id") ?? randomUUID(),
    source,
    type,
  };
  const subject = stringOption(parsed, "subject");
  if (subject !== undefined) attributes.subject = subject;
  const time = stringOption(parsed, "time") ?? new Date().toISOString();
  if (time !== "none") attributes.time = time;
  for (const ext of listOption(parsed, "ext")) {
    const eq = ext.indexOf("=");
    if (eq <= 0) throw new UsageError(`--ext must look like name=value, got "${ext}"`);
    attributes[ext.slice(0, eq)] = ext.slice(eq + 1);
  }
  const text = stringOption(parsed, "data");
  const file = stringOption(parsed, "data-file");
  if (text !== undefined && file !== undefined) throw new UsageError("give --data or --data-file, not both");
  let data: Uint8Array | undefined;
  let contentType = stringOption(parsed, "content-type");
  if (text !== undefined) {
    data = Buffer.from(text, "utf8");
    contentType ??= "application/json";
  } else if (file !== undefined) {
    data = await readFile(file);
    contentType ??= "application/octet-stream";
  }
  if (contentType !== undefined) attributes.datacontenttype = contentType;
  return createCloudEvent(attributes, data);
}
