// Owns a small Prometheus registry: counters, gauges and histograms with labels, rendered in the text format.

type Labels = Readonly<Record<string, string>>;

function labelKey(names: readonly string[], labels: Labels): string {
  return names.map((n) => labels[n] ?? '').join('\u0000');
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function renderLabels(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i])}"`);
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

interface Metric {
  readonly name: string;
  render(): string;
}

/** A monotonically increasing count per label set. */
export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[] = []) {}
  /** Adds `by` (default 1) for the given labels. */
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(this.labelNames, labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  /** The current value for the given labels. */
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(this.labelNames, labels)) ?? 0;
  }
  /** An incrementer bound to one label set (resolve it once on hot paths). */
  bind(labels: Labels): (by?: number) => void {
    const k = labelKey(this.labelNames, labels);
    return (by = 1) => void this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0 && this.labelNames.length === 0) lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(`${this.name}${renderLabels(this.labelNames, k.split('\u0000'))} ${formatNumber(v)}`);
    return lines.join('\n');
  }
}

/** A value that goes up and down, set directly or read from a callback at scrape time. */
export class Gauge implements Metric {
  private value = 0;
  constructor(readonly name: string, readonly help: string, private readonly read?: () => number) {}
  set(v: number): void {
    this.value = v;
  }
  inc(by = 1): void {
    this.value += by;
  }
  dec(by = 1): void {
    this.value -= by;
  }
  get(): number {
    return this.read ? this.read() : this.value;
  }
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${formatNumber(this.get())}`].join('\n');
  }
}

/** Gauges with labels, one series per entry its owner lists at scrape time (per-model state). */
export class LabeledGauge implements Metric {
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[], private readonly read: () => Iterable<readonly [Labels, number]>) {}
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [labels, v] of this.read()) lines.push(`${this.name}${renderLabels(this.labelNames, this.labelNames.map((n) => labels[n] ?? ''))} ${formatNumber(v)}`);
    return lines.join('\n');
  }
}

/** A monotonically increasing total read from its owner at scrape time (e.g. CPU seconds). */
export class ObservedCounter implements Metric {
  constructor(readonly name: string, readonly help: string, private readonly read: () => number) {}
  get(): number {
    return this.read();
  }
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`, `${this.name} ${formatNumber(this.get())}`].join('\n');
  }
}

interface HistogramSeries {
  counts: number[];
  sum: number;
  count: number;
}

function record(series: HistogramSeries, buckets: readonly number[], value: number): void {
  // Buckets are sorted: find the first that holds the value, then count it in every later one.
  let i = 0;
  while (i < buckets.length && value > buckets[i]) i++;
  for (; i < buckets.length; i++) series.counts[i]++;
  series.sum += value;
  series.count++;
}

/** Cumulative buckets, sum and count per label set. */
export class Histogram implements Metric {
  private readonly series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
    readonly labelNames: readonly string[] = [],
  ) {}
  /** Records one observation (resolves the label set each call: use `bind` on hot paths). */
  observe(value: number, labels: Labels = {}): void {
    record(this.seriesFor(labels), this.buckets, value);
  }
  /** An observer bound to one label set, resolved once. */
  bind(labels: Labels): (value: number) => void {
    const series = this.seriesFor(labels);
    const buckets = this.buckets;
    return (value) => record(series, buckets, value);
  }
  private seriesFor(labels: Labels): HistogramSeries {
    const k = labelKey(this.labelNames, labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 }));
    return s;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const values = k.split('\u0000');
      const names = this.labelNames;
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${renderLabels(names, values, ['le', formatNumber(b)])} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${renderLabels(names, values, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${renderLabels(names, values)} ${formatNumber(s.sum)}`);
      lines.push(`${this.name}_count${renderLabels(names, values)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** A set of metrics rendered together. */
export class Registry {
  private readonly metrics: Metric[] = [];
  /** Adds a metric and returns it. */
  register<M extends Metric>(metric: M): M {
    if (this.metrics.some((m) => m.name === metric.name)) throw new Error(`Metric ${metric.name} is already registered`);
    this.metrics.push(metric);
    return metric;
  }
  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    return `${this.metrics.map((m) => m.render()).join('\n')}\n`;
  }
}

/** Content-Type of the text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
