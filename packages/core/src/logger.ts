/** Structured logging. Packages take a Logger; only the CLI decides where lines go and how they look. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  isEnabled(level: LogLevel): boolean;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** `text` (default): `LEVEL message key=value ...`; `json`: one JSON object per line. */
  readonly format?: "text" | "json";
  /** Where lines go; defaults to process.stderr. */
  readonly write?: (line: string) => void;
  readonly fields?: LogFields;
}

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(RANK, value);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const format = options.format ?? "text";
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  return makeLogger(level, format, write, options.fields ?? {});
}

function makeLogger(
  level: LogLevel,
  format: "text" | "json",
  write: (line: string) => void,
  bound: LogFields,
): Logger {
  const threshold = RANK[level];
  const emit = (lvl: Exclude<LogLevel, "silent">, message: string, fields?: LogFields): void => {
    if (RANK[lvl] < threshold) return;
    const all = fields === undefined ? bound : { ...bound, ...fields };
    write(format === "json" ? formatJson(lvl, message, all) : formatText(lvl, message, all));
  };
  return {
    level,
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => makeLogger(level, format, write, { ...bound, ...fields }),
    isEnabled: (lvl) => RANK[lvl] >= threshold && lvl !== "silent",
  };
}

function formatJson(level: string, message: string, fields: LogFields): string {
  return `${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...serializeFields(fields) })}\n`;
}

function formatText(level: string, message: string, fields: LogFields): string {
  let line = `${level.toUpperCase().padEnd(5)} ${message}`;
  for (const [key, value] of Object.entries(serializeFields(fields))) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    line += ` ${key}=${/[\s"=]/.test(text ?? "") ? JSON.stringify(text) : text}`;
  }
  return `${line}\n`;
}

function serializeFields(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      out[key] = code === undefined ? value.message : `${String(code)}: ${value.message}`;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** A logger that drops everything; the default for libraries and tests. */
export const silentLogger: Logger = createLogger({ level: "silent", write: () => {} });
