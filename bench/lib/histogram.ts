/**
 * An HDR-style histogram of latencies in microseconds: log-linear buckets (128 linear
 * sub-buckets per power of two), so every recorded value is kept within 1% relative error, from
 * 1 µs to ~1 hour, in a fixed 4 KB-ish array. Mergeable, serialisable, allocation-free to record.
 */
const SUB_BUCKET_BITS = 7;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
const MAX_EXPONENT = 32;

export class Histogram {
  readonly counts = new Float64Array((MAX_EXPONENT + 1) * SUB_BUCKETS);
  total = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  sum = 0;

  /** Records one value in microseconds (fractions are rounded; negatives count as 0). */
  record(micros: number): void {
    const v = micros < 0 ? 0 : Math.round(micros);
    const i = indexOf(v);
    this.counts[i] = (this.counts[i] as number) + 1;
    this.total += 1;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < this.counts.length; i++)
      this.counts[i] = (this.counts[i] as number) + (other.counts[i] as number);
    this.total += other.total;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** The value at quantile q (0..1), in microseconds: the upper edge of its bucket, capped at max. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] as number;
      if (seen >= rank) return Math.min(upperEdge(i), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    const ms = (us: number) => Math.round(us / 10) / 100;
    return {
      count: this.total,
      p50: ms(this.quantile(0.5)),
      p90: ms(this.quantile(0.9)),
      p99: ms(this.quantile(0.99)),
      p999: ms(this.quantile(0.999)),
      max: ms(this.total === 0 ? 0 : this.max),
      mean: ms(this.total === 0 ? 0 : this.sum / this.total),
    };
  }

  toJSON(): { counts: Record<number, number>; total: number; min: number; max: number; sum: number } {
    const counts: Record<number, number> = {};
    this.counts.forEach((c, i) => {
      if (c > 0) counts[i] = c;
    });
    return { counts, total: this.total, min: this.min, max: this.max, sum: this.sum };
  }

  static fromJSON(json: ReturnType<Histogram["toJSON"]>): Histogram {
    const h = new Histogram();
    for (const [i, c] of Object.entries(json.counts)) h.counts[Number(i)] = c;
    h.total = json.total;
    h.min = json.min ?? Number.POSITIVE_INFINITY;
    h.max = json.max;
    h.sum = json.sum;
    return h;
  }
}

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

function indexOf(v: number): number {
  if (v < SUB_BUCKETS) return v;
  const exponent = Math.min(MAX_EXPONENT, Math.floor(Math.log2(v)) - SUB_BUCKET_BITS + 1);
  const sub = Math.min(SUB_BUCKETS - 1, Math.floor(v / 2 ** exponent) - SUB_BUCKETS / 2);
  return exponent * SUB_BUCKETS + SUB_BUCKETS / 2 + sub;
}

function upperEdge(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const exponent = Math.floor((index - SUB_BUCKETS / 2) / SUB_BUCKETS);
  const sub = index - exponent * SUB_BUCKETS - SUB_BUCKETS / 2;
  return (sub + SUB_BUCKETS / 2 + 1) * 2 ** exponent - 1;
}
