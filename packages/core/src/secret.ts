/**
 * A secret value (from a Secret manifest, a file or the environment). It never prints: String(),
 * JSON and util.inspect show `[redacted]`; code that needs the value calls reveal().
 */
export class SecretValue {
  readonly #value: string;
  readonly origin: string;

  constructor(value: string, origin: string) {
    this.#value = value;
    this.origin = origin;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[redacted]";
  }

  toJSON(): string {
    return "[redacted]";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `SecretValue([redacted] from ${this.origin})`;
  }
}
