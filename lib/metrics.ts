/** Counters, gauges and a histogram, rendered in the Prometheus text format. */

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) =>
    `${k}="${v.replace(/[\\"\n]/g, (c) => c === "\n" ? "\\n" : `\\${c}`)}"`
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** A monotonically growing count, optionally split by one label. */
export class Counter {
  #values = new Map<string, number>();
  readonly name: string;
  readonly help: string;
  readonly label?: string;

  /** A counter at zero. */
  constructor(options: { name: string; help: string; label?: string }) {
    this.name = options.name;
    this.help = options.help;
    this.label = options.label;
  }

  /** Adds `by` (default 1) under `value` of the label. */
  inc(value = "", by = 1): void {
    this.#values.set(value, (this.#values.get(value) ?? 0) + by);
  }

  /** The count under `value` of the label. */
  get(value = ""): number {
    return this.#values.get(value) ?? 0;
  }

  /** Prometheus text. */
  render(): string {
    const lines = [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} counter`,
    ];
    if (this.#values.size === 0 && !this.label) lines.push(`${this.name} 0`);
    for (const [value, count] of this.#values) {
      const labels = this.label ? { [this.label]: value } : {};
      lines.push(`${this.name}${labelText(labels)} ${count}`);
    }
    return lines.join("\n");
  }
}

/** A value read when scraped. */
export class Gauge {
  readonly name: string;
  readonly help: string;
  #read: () => number;

  /** A gauge that calls `read` at each scrape. */
  constructor(options: { name: string; help: string; read: () => number }) {
    this.name = options.name;
    this.help = options.help;
    this.#read = options.read;
  }

  /** Prometheus text. */
  render(): string {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      `${this.name} ${this.#read()}`,
    ].join("\n");
  }
}

/** Observations counted into fixed buckets (seconds). */
export class Histogram {
  readonly name: string;
  readonly help: string;
  readonly buckets: number[];
  #counts: number[];
  #sum = 0;
  #count = 0;

  /** An empty histogram with upper bounds `buckets`, ascending. */
  constructor(options: { name: string; help: string; buckets: number[] }) {
    this.name = options.name;
    this.help = options.help;
    this.buckets = options.buckets;
    this.#counts = options.buckets.map(() => 0);
  }

  /** Records one value. */
  observe(value: number): void {
    this.#sum += value;
    this.#count++;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]) {
        this.#counts[i]++;
        return;
      }
    }
  }

  /** Prometheus text, with cumulative buckets. */
  render(): string {
    const lines = [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} histogram`,
    ];
    let cumulative = 0;
    this.buckets.forEach((bound, i) => {
      cumulative += this.#counts[i];
      lines.push(`${this.name}_bucket{le="${bound}"} ${cumulative}`);
    });
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.#count}`);
    lines.push(`${this.name}_sum ${this.#sum}`);
    lines.push(`${this.name}_count ${this.#count}`);
    return lines.join("\n");
  }
}

/** Everything the chat server measures about itself. */
export class ChatMetrics {
  readonly received = new Counter({
    name: "chat_messages_received_total",
    help: "Valid message frames received from clients.",
  });
  readonly stored = new Counter({
    name: "chat_messages_stored_total",
    help: "Messages stored (duplicates by nonce not counted).",
  });
  readonly delivered = new Counter({
    name: "chat_messages_delivered_total",
    help: "Message events handed to sockets.",
  });
  readonly rejected = new Counter({
    name: "chat_frames_rejected_total",
    help: "Frames answered with an error or refused, by reason.",
    label: "reason",
  });
  readonly opened = new Counter({
    name: "chat_connections_opened_total",
    help: "WebSockets opened (the per-connection log lines are at debug).",
  });
  readonly closes = new Counter({
    name: "chat_socket_closes_total",
    help: "Sockets closed, by reason.",
    label: "reason",
  });
  readonly refused = new Counter({
    name: "chat_connections_refused_total",
    help: "WebSocket upgrades refused, by reason.",
    label: "reason",
  });
  readonly headerTimeouts = new Counter({
    name: "chat_http_header_timeouts_total",
    help:
      "Connections closed with no complete first request head within CHAT_HEADER_TIMEOUT_MS: slow or silent clients, or a server too busy to read them.",
  });
  readonly gapsCrossed = new Counter({
    name: "chat_gaps_crossed_total",
    help:
      "Gaps in a room's ids handed out across: the store no longer had those ids (trimmed, or lost with a failed-over primary).",
  });
  readonly latency = new Histogram({
    name: "chat_delivery_latency_seconds",
    help:
      "From a message's arrival at this server to its hand-off to the room's sockets.",
    buckets: [
      0.0005,
      0.001,
      0.0025,
      0.005,
      0.01,
      0.025,
      0.05,
      0.1,
      0.25,
      0.5,
      1,
      2.5,
    ],
  });
  #gauges: Gauge[] = [];

  /** Adds a gauge read at each scrape (open connections, rooms). */
  gauge(options: { name: string; help: string; read: () => number }): void {
    this.#gauges.push(new Gauge(options));
  }

  /** The Prometheus text of every metric. */
  render(): string {
    return [
      ...this.#gauges.map((g) => g.render()),
      this.received.render(),
      this.stored.render(),
      this.delivered.render(),
      this.rejected.render(),
      this.opened.render(),
      this.closes.render(),
      this.refused.render(),
      this.headerTimeouts.render(),
      this.gapsCrossed.render(),
      this.latency.render(),
    ].join("\n") + "\n";
  }
}
