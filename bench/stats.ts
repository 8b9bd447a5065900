/** Latency histograms that load clients fill and the bench merges. */

const GROWTH = Math.log(1.01);

/** A histogram as it travels between processes: `[bucket, count]` pairs. */
export type HistogramData = [number, number][];

function bucketOf(ms: number): number {
  const micros = ms * 1000;
  return micros <= 1 ? 0 : Math.ceil(Math.log(micros) / GROWTH);
}

function upperMs(bucket: number): number {
  return Math.exp(bucket * GROWTH) / 1000;
}

/** Counts latencies in buckets 1% wide (from 1 µs), so percentiles are within 1%. */
export class Histogram {
  #counts = new Map<number, number>();
  #count = 0;
  #max = 0;

  /** A histogram holding `data` (from {@linkcode Histogram.toJSON}), or an empty one. */
  constructor(data: HistogramData = []) {
    for (const [bucket, count] of data) this.#add(bucket, count);
  }

  /** How many values were recorded. */
  get count(): number {
    return this.#count;
  }

  /** Upper bound of the largest value's bucket, in ms. */
  get max(): number {
    return this.#max;
  }

  /** Records one latency in milliseconds (negative clock skew counts as 0). */
  record(ms: number): void {
    this.#add(bucketOf(ms > 0 ? ms : 0), 1);
  }

  /** Adds every value of `other`. */
  merge(other: Histogram): void {
    for (const [bucket, count] of other.#counts) this.#add(bucket, count);
  }

  /** The value at quantile `q` (0..1), in ms; 0 when empty. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    const buckets = [...this.#counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const bucket of buckets) {
      seen += this.#counts.get(bucket)!;
      if (seen >= rank) return upperMs(bucket);
    }
    return this.#max;
  }

  /** The wire form. */
  toJSON(): HistogramData {
    return [...this.#counts];
  }

  #add(bucket: number, count: number): void {
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + count);
    this.#count += count;
    const ms = upperMs(bucket);
    if (ms > this.#max) this.#max = ms;
  }
}
