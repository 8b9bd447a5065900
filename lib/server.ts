/** The whole chat server in one call: store, chat service, routes, the guarded listener. */
import build from "../_build/assets.gen.ts";
import manifest from "../manifest.gen.ts";
import { ChatService } from "./chat/service.ts";
import type { Config } from "./config.ts";
import { createApp } from "./framework/app.ts";
import { liveReload } from "./framework/live_reload.ts";
import {
  connectionBudget,
  fileLimitInForce,
  HTTP_RESERVE,
  serveHttp,
} from "./listener.ts";
import type { Logger } from "./log.ts";
import { Auth } from "./http/auth.ts";
import { storeOutage } from "./http/store_outage.ts";
import { People } from "./people/people.ts";
import { loadTokenKeys } from "./people/tokens.ts";
import { isolateHeader } from "./scale/isolate_header.ts";
import { openBackend } from "./backends/open.ts";
import { RoomAccess } from "./rooms/access.ts";
import { preferVectoredWrites } from "./vectored_writes.ts";
import { within } from "./clock.ts";

/** Longest wait for open connections to finish at shutdown. */
export const SHUTDOWN_GRACE_MS = 5_000;

/** A running server. */
export interface ChatServer {
  /** The port it listens on (useful with PORT=0). */
  port: number;
  chat: ChatService;
  /** Stops accepting, stores what was accepted, closes sockets with 1001, closes the store. */
  shutdown(reason: string): Promise<void>;
}

/** One of several server isolates on one port (lib/scale/isolates.ts). */
export interface IsolateRole {
  /** Named in the `x-chat-isolate` header of every response and in the logs. */
  id: string;
  /** The open-socket count of the whole process. */
  connections: Int32Array;
}

/** Opens the configured backend and serves the chat on `config.port`. */
export async function serveChat(
  config: Config,
  options: { log: Logger; isolate?: IsolateRole },
): Promise<ChatServer> {
  const { log, isolate } = options;
  // Before the first WebSocket of the process: the runtime reads it once.
  preferVectoredWrites();
  const { store, fanout, presence, accounts, rooms } = await openBackend(
    config,
    {
      log,
    },
  );
  const people = new People({
    accounts,
    log,
    mode: config.accounts,
    admins: config.admins,
    tokenKeys: await loadTokenKeys({
      secret: config.tokenSecret,
      publicKey: config.tokenPublicKey,
    }),
  });
  const access = new RoomAccess({
    rooms,
    messages: store,
    fanout,
    admins: config.admins,
  });
  const { fileLimit, source } = fileLimitInForce(config.fileLimit);
  const budget = connectionBudget({
    maxConnections: config.maxConnections,
    fileLimit,
  });
  const chat = new ChatService({
    store,
    fanout,
    presence,
    access,
    log,
    rateLimit: config.rateLimit,
    batchFlushMs: config.batchFlushMs,
    sharedConnections: isolate?.connections,
    maxConnections: budget.sockets,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    idleTimeoutSeconds: config.idleTimeoutSeconds,
    maxBufferedBytes: config.maxBufferedBytes,
    people,
  });
  const app = createApp({
    manifest,
    build,
    state: {
      chat,
      people,
      access,
      auth: new Auth(people, {
        trustedProxies: config.trustedProxies,
        onSignedOut: (session) => chat.signedOut(session),
      }),
      allowedOrigins: config.allowedOrigins,
      trustedProxies: config.trustedProxies,
    },
    middleware: [
      ...(isolate ? [isolateHeader(isolate.id)] : []),
      ...(config.dev ? [liveReload()] : []),
    ],
    logger: ({ msg, method, path, error, stack }) =>
      log("error", msg, { method, path, error, stack }),
    // A request that failed while the store is down is told to come back.
    onError: async (_error, ctx) =>
      await chat.healthy() ? undefined : storeOutage(ctx.url),
  });
  const server = serveHttp({
    port: config.port,
    hostname: config.hostname,
    log,
    maxOpen: budget.tcp,
    headerTimeoutMs: config.headerTimeoutMs,
    upgraded: () =>
      isolate ? Atomics.load(isolate.connections, 0) : chat.connections,
    reusePort: isolate !== undefined,
    onRefused: () => chat.metrics.refused.inc("descriptors"),
    onHeaderTimeout: () => chat.metrics.headerTimeouts.inc(),
    onCapLearned({ tcp, open }) {
      const sockets = Math.max(1, tcp - HTTP_RESERVE);
      chat.lowerMaxConnections(sockets);
      log("warn", "connection_cap_learned", {
        open,
        tcpCap: tcp,
        maxConnections: Math.min(budget.sockets, sockets),
        hint: "set CHAT_FILE_LIMIT to the open-file limit (ulimit -n)",
      });
    },
    onListen({ hostname, port }) {
      log("info", "start", {
        hostname,
        port,
        store: config.store,
        ...(isolate ? { isolate: isolate.id } : {}),
        maxConnections: budget.sockets,
        ...(budget.sockets < config.maxConnections
          ? { maxConnectionsSet: config.maxConnections }
          : {}),
        fileLimit: fileLimit ?? null,
        fileLimitFrom: source,
        tcpCap: Number.isFinite(budget.tcp) ? budget.tcp : null,
        headerTimeoutMs: config.headerTimeoutMs,
      });
    },
  }, app);
  let stopping: Promise<void> | undefined;
  return {
    port: server.addr.port,
    chat,
    shutdown(reason) {
      stopping ??= (async () => {
        log("info", "shutdown", { reason, connections: chat.connections });
        await chat.shutdown();
        await within(server.shutdown(), { ms: SHUTDOWN_GRACE_MS });
        await store.close();
        log("info", "stopped", {});
      })();
      return stopping;
    },
  };
}
