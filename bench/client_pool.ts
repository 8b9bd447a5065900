/** Load client processes (bench/load_client.ts) and the commands the bench gives them. */
import type {
  OpenCommand,
  OpenResult,
  SendCommand,
  SendResult,
  SocketSpec,
  StepStats,
} from "./client_protocol.ts";
import { type Placement, tail, track, wrap } from "./process.ts";

const ROOT = new URL("../", import.meta.url);
const ANSWER_TIMEOUT_MS = 900_000;

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

/** One load client process. */
export class LoadClient {
  readonly pid: number;
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #pending = new Map<number, Pending>();
  #nextId = 0;
  #errors: string[] = [];
  #done: Promise<unknown>;
  #exited = false;

  #kind: OpenCommand["client"];

  /** Spawns a client placed as `options.placement` says, opening sockets of `options.kind`. */
  constructor(options: { placement: Placement; kind: OpenCommand["client"] }) {
    const { placement } = options;
    this.#kind = options.kind;
    const [program, ...args] = wrap(
      [Deno.execPath(), "run", "-A", "bench/load_client.ts"],
      { cpus: placement.clientCpus, nofile: placement.nofile },
    );
    this.#child = new Deno.Command(program, {
      args,
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    track(this.#child);
    this.pid = this.#child.pid;
    this.#writer = this.#child.stdin.getWriter();
    this.#done = Promise.all([
      this.#read(),
      tail(this.#child.stderr, this.#errors),
      this.#child.status.then(() => {
        this.#exited = true;
        const error = new Error(
          `load client exited: ${this.#errors.join("\n").slice(-2000)}`,
        );
        for (const pending of this.#pending.values()) pending.reject(error);
        this.#pending.clear();
      }),
    ]);
  }

  /** Opens and joins sockets. */
  open(command: Omit<OpenCommand, "op" | "client">): Promise<OpenResult> {
    return this.#ask({ op: "open", client: this.#kind, ...command }) as Promise<
      OpenResult
    >;
  }

  /** Sends bench messages; resolves when sending is over. */
  send(command: Omit<SendCommand, "op">): Promise<SendResult> {
    return this.#ask({ op: "send", ...command }) as Promise<SendResult>;
  }

  /** The counts of one step so far. */
  stats(step: number): Promise<StepStats> {
    return this.#ask({ op: "stats", step }) as Promise<StepStats>;
  }

  /** Closes its sockets and waits for the process to end. */
  async close(): Promise<void> {
    if (!this.#exited) {
      await this.#ask({ op: "close" }).catch(() => {});
    }
    const timer = setTimeout(() => {
      if (!this.#exited) this.#child.kill("SIGKILL");
    }, 5_000);
    await this.#done;
    clearTimeout(timer);
  }

  #ask(command: object): Promise<unknown> {
    if (this.#exited) {
      return Promise.reject(new Error("load client is not running"));
    }
    const id = ++this.#nextId;
    const answer = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new Error(
            `load client did not answer ${
              JSON.stringify(command).slice(0, 80)
            }`,
          ),
        );
      }, ANSWER_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve(value) {
          clearTimeout(timer);
          resolve(value);
        },
        reject(error) {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
    const line = JSON.stringify({ id, ...command }) + "\n";
    this.#writer.write(new TextEncoder().encode(line)).catch(() => {});
    return answer;
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of this.#child.stdout) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split(
        "\n",
      );
      rest = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        const { id, error, ...body } = JSON.parse(line);
        const pending = this.#pending.get(id);
        if (!pending) continue;
        this.#pending.delete(id);
        if (error) pending.reject(new Error(error));
        else pending.resolve(body);
      }
    }
  }
}

/** Several load clients driven together. */
export class ClientPool {
  readonly clients: LoadClient[];

  /** Spawns `count` clients. */
  constructor(
    count: number,
    options: { placement: Placement; kind: OpenCommand["client"] },
  ) {
    this.clients = Array.from({ length: count }, () => new LoadClient(options));
  }

  /** Process ids of the clients. */
  get pids(): number[] {
    return this.clients.map((client) => client.pid);
  }

  /** Gives client `i` the sockets `sockets[i]` and opens them all together; sums the answers. */
  async open(
    sockets: SocketSpec[][],
    options: Omit<OpenCommand, "op" | "sockets" | "client">,
  ): Promise<OpenResult> {
    const results = await Promise.all(
      this.clients.map((client, i) =>
        client.open({ ...options, sockets: sockets[i] ?? [] })
      ),
    );
    return {
      opened: results.reduce((sum, r) => sum + r.opened, 0),
      failed: results.reduce((sum, r) => sum + r.failed, 0),
      lastWelcomeAt: Math.max(...results.map((r) => r.lastWelcomeAt)),
      ...(results.find((r) => r.firstError)?.firstError
        ? { firstError: results.find((r) => r.firstError)?.firstError }
        : {}),
    };
  }

  /** Every client's counts for one step. */
  stats(step: number): Promise<StepStats[]> {
    return Promise.all(this.clients.map((client) => client.stats(step)));
  }

  /** Closes every client. */
  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
  }
}
