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
  /**
   * The same, with the caller's array kept as the series' label values: a caller making several
   * series with one label set (a trigger's) passes one array to all of them.
   */
  labelsOf(values: readonly string[]): Child;
  remove(...values: string[]): void;
}

type Kind = "counter" | "gauge" | "histogram";

/**
 * One labelled series, which is also the child handle callers keep: a class with prototype
 * methods, so a series costs one object (plus its label values and key) rather than an object,
 * a closure and its context per handle. With 10,000 triggers × 6 series that is the difference
 * between ~2.4 KB and ~1 KB of heap per idle trigger.
 */
class Series implements CounterChild, GaugeChild {
  readonly labelValues: readonly string[];
  value = 0;

  constructor(labelValues: readonly string[]) {
    this.labelValues = labelValues;
  }

  inc(value = 1): void {
    this.value += value;
  }

  set(value: number): void {
    this.value = value;
  }

  /** The value shown on /metrics. */
  read(): number {
    return this.value;
  }
}

/** A gauge read from its owner when /metrics is scraped. */
class CallbackSeries extends Series {
  readonly #collect: () => number;

  constructor(labelValues: readonly string[], collect: () => number) {
    super(labelValues);
    this.#collect = collect;
  }

  override read(): number {
    return this.#collect();
  }
}

/** Counts per bucket (not cumulative: render adds them up); `value` is the total count. */
class HistogramSeries extends Series implements HistogramChild {
  readonly bounds: readonly number[];
  /** A plain array: a Float64Array costs three objects (view, buffer, backing store) per series. */
  readonly buckets: number[];
  sum = 0;

  constructor(labelValues: readonly string[], bounds: readonly number[]) {
    super(labelValues);
    this.bounds = bounds;
    this.buckets = new Array<number>(bounds.length).fill(0);
  }

  observe(value: number): void {
    this.value += 1;
    this.sum += value;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        this.buckets[i] = (this.buckets[i] as number) + 1;
        return;
      }
    }
  }
}

/** Reports one series of a collected family: its label values and its value. */
export type Emit = (labelValues: readonly string[], value: number) => void;

interface FamilyState {
  readonly name: string;
  readonly help: string;
  readonly kind: Kind;
  readonly labelNames: readonly string[];
  readonly bounds: readonly number[];
  readonly series: Map<string, Series>;
  /** A collected family's series come from here, not from `series` (see MetricsRegistry.collected). */
  readonly collect?: ((emit: Emit) => void) | undefined;
}

export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

export class MetricsRegistry {
  readonly #families: FamilyState[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Family<CounterChild> {
    return this.#family(this.#add(name, help, "counter", labelNames, []), (values) => new Series(values));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Family<GaugeChild> {
    return this.#family(this.#add(name, help, "gauge", labelNames, []), (values) => new Series(values));
  }

  /**
   * A counter or gauge family whose series its owner reports when /metrics is scraped, from values
   * it keeps in its own fields: no series object, label array or map entry per series. The runtime
   * keeps a trigger's counts in one object this way (10,000 triggers would otherwise be 60,000
   * series objects, their label arrays and keys).
   */
  collected(
    name: string,
    help: string,
    kind: "counter" | "gauge",
    labelNames: readonly string[],
    collect: (emit: Emit) => void,
  ): void {
    this.#families.push({ name, help, kind, labelNames, bounds: [], series: new Map(), collect });
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
        family.series.set(labelValues.join("\u0000"), new CallbackSeries(labelValues, collect));
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
    return this.#family(family, (values) => new HistogramSeries(values, bounds));
  }

  /** The Prometheus text exposition (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    for (const f of this.#families) {
      lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.kind}`);
      if (f.collect !== undefined) {
        f.collect((values, value) => lines.push(`${f.name}${formatLabels(f.labelNames, values)} ${value}`));
        continue;
      }
      for (const s of f.series.values()) {
        const labels = formatLabels(f.labelNames, s.labelValues);
        if (!(s instanceof HistogramSeries)) {
          lines.push(`${f.name}${labels} ${s.read()}`);
          continue;
        }
        let cumulative = 0;
        for (let i = 0; i < f.bounds.length; i++) {
          cumulative += s.buckets[i] as number;
          const le = formatLabels([...f.labelNames, "le"], [...s.labelValues, String(f.bounds[i])]);
          lines.push(`${f.name}_bucket${le} ${cumulative}`);
        }
        lines.push(
          `${f.name}_bucket${formatLabels([...f.labelNames, "le"], [...s.labelValues, "+Inf"])} ${s.value}`,
        );
        lines.push(`${f.name}_sum${labels} ${s.sum}`, `${f.name}_count${labels} ${s.value}`);
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

  #family<Child extends Series>(
    family: FamilyState,
    make: (values: readonly string[]) => Child,
  ): Family<Child> {
    const labelsOf = (values: readonly string[]): Child => {
      const key = values.join("\u0000");
      let series = family.series.get(key) as Child | undefined;
      if (series === undefined) {
        series = make(values);
        family.series.set(key, series);
      }
      return series;
    };
    return {
      labels: (...values) => labelsOf(values),
      labelsOf,
      remove: (...values) => void family.series.delete(values.join("\u0000")),
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
