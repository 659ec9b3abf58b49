/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format on /metrics. Label values are joined into one map key once per observation;
 * hot-path callers keep the returned child handles instead of passing labels every time.
 */
export interface CounterChild {
  inc(value?: number): void;
}
export interface GaugeChild {
  set(value: number): void;
}
export interface HistogramChild {
  observe(value: number): void;
}

interface Family<Child> {
  labels(...values: string[]): Child;
  remove(...values: string[]): void;
}

type Kind = "counter" | "gauge" | "histogram";

interface Series {
  readonly labelValues: readonly string[];
  value: number;
  buckets?: number[];
  sum?: number;
  collect?: () => number;
}

interface FamilyState {
  readonly name: string;
  readonly help: string;
  readonly kind: Kind;
  readonly labelNames: readonly string[];
  readonly bounds: readonly number[];
  readonly series: Map<string, Series>;
}

export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

export class MetricsRegistry {
  readonly #families: FamilyState[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Family<CounterChild> {
    const family = this.#add(name, help, "counter", labelNames, []);
    return this.#family(family, (s) => ({ inc: (v = 1) => void (s.value += v) }));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Family<GaugeChild> {
    const family = this.#add(name, help, "gauge", labelNames, []);
    return this.#family(family, (s) => ({ set: (v) => void (s.value = v) }));
  }

  /** A gauge whose value is read when /metrics is scraped. */
  gaugeCallback(
    name: string,
    help: string,
    labelNames: readonly string[],
  ): {
    set(labelValues: readonly string[], collect: () => number): void;
    remove(...values: string[]): void;
  } {
    const family = this.#add(name, help, "gauge", labelNames, []);
    return {
      set: (labelValues, collect) => {
        family.series.set(labelValues.join("\u0000"), { labelValues, value: 0, collect });
      },
      remove: (...values) => void family.series.delete(values.join("\u0000")),
    };
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    bounds: readonly number[] = DEFAULT_LATENCY_BUCKETS,
  ): Family<HistogramChild> {
    const family = this.#add(name, help, "histogram", labelNames, bounds);
    return this.#family(family, (s) => ({
      observe: (v) => {
        s.value += 1;
        s.sum = (s.sum ?? 0) + v;
        const buckets = s.buckets as number[];
        for (let i = 0; i < bounds.length; i++)
          if (v <= (bounds[i] as number)) buckets[i] = (buckets[i] as number) + 1;
      },
    }));
  }

  /** The Prometheus text exposition (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    for (const f of this.#families) {
      lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.kind}`);
      for (const s of f.series.values()) {
        const labels = formatLabels(f.labelNames, s.labelValues);
        if (f.kind !== "histogram") {
          lines.push(`${f.name}${labels} ${s.collect ? s.collect() : s.value}`);
          continue;
        }
        for (let i = 0; i < f.bounds.length; i++) {
          const le = formatLabels([...f.labelNames, "le"], [...s.labelValues, String(f.bounds[i])]);
          lines.push(`${f.name}_bucket${le} ${s.buckets?.[i] ?? 0}`);
        }
        lines.push(
          `${f.name}_bucket${formatLabels([...f.labelNames, "le"], [...s.labelValues, "+Inf"])} ${s.value}`,
        );
        lines.push(`${f.name}_sum${labels} ${s.sum ?? 0}`, `${f.name}_count${labels} ${s.value}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }

  #add(
    name: string,
    help: string,
    kind: Kind,
    labelNames: readonly string[],
    bounds: readonly number[],
  ): FamilyState {
    const family: FamilyState = { name, help, kind, labelNames, bounds, series: new Map() };
    this.#families.push(family);
    return family;
  }

  #family<Child>(family: FamilyState, make: (s: Series) => Child): Family<Child> {
    const children = new Map<string, Child>();
    return {
      labels: (...values) => {
        const key = values.join("\u0000");
        let child = children.get(key);
        if (child === undefined) {
          const series: Series = { labelValues: values, value: 0 };
          if (family.kind === "histogram") series.buckets = new Array(family.bounds.length).fill(0);
          family.series.set(key, series);
          child = make(series);
          children.set(key, child);
        }
        return child;
      },
      remove: (...values) => {
        const key = values.join("\u0000");
        children.delete(key);
        family.series.delete(key);
      },
    };
  }
}

function formatLabels(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? "")}"`);
  return `{${parts.join(",")}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}
