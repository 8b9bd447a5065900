/** Starts Debian's nginx in front of chat servers, with deploy/nginx.conf as the site, for tests. */
import { fileURLToPath } from "node:url";
import { freePort } from "./server.ts";

const SITE = fileURLToPath(new URL("../../deploy/nginx.conf", import.meta.url));

/** Path of nginx, or undefined when it is not installed. */
export function nginxPath(): string | undefined {
  for (const dir of ["/usr/sbin", "/usr/bin", "/usr/local/sbin"]) {
    try {
      Deno.statSync(`${dir}/nginx`);
      return `${dir}/nginx`;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A running nginx. */
export interface RunningNginx {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** What nginx logged (error log), for failure messages. */
  errors(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The site of deploy/nginx.conf with its upstream servers replaced by
 * `upstreams` and its `listen` by `port`; fails when the file no longer has
 * the lines this replaces.
 */
export async function siteFor(
  upstreams: number[],
  options: { port: number },
): Promise<string> {
  const site = await Deno.readTextFile(SITE);
  const servers = [...site.matchAll(/^ *server 127\.0\.0\.1:\d+ (.*);$/gm)];
  if (servers.length !== 2 || !/^ *listen 80;$/m.test(site)) {
    throw new Error(
      "deploy/nginx.conf changed shape; update tests/support/nginx.ts",
    );
  }
  const flags = servers[0][1];
  return site
    .replace(
      servers.map((m) => m[0]).join("\n"),
      upstreams.map((port) => `  server 127.0.0.1:${port} ${flags};`).join(
        "\n",
      ),
    )
    .replace(/^ *listen 80;$/m, `  listen 127.0.0.1:${options.port};`);
}

/** Runs nginx (not as a daemon) with its own prefix, pid and logs in a temp dir. */
export async function startNginx(upstreams: number[]): Promise<RunningNginx> {
  const path = nginxPath();
  if (!path) throw new Error("nginx is not installed (apt-get install nginx)");
  const dir = await Deno.makeTempDir({ prefix: "nginx-" });
  await Deno.chmod(dir, 0o755);
  const port = freePort();
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${await siteFor(upstreams, { port })}
}
`;
  await Deno.writeTextFile(`${dir}/nginx.conf`, conf);
  const child = new Deno.Command(path, {
    args: [
      "-p",
      `${dir}/`,
      "-c",
      `${dir}/nginx.conf`,
      "-e",
      `${dir}/error.log`,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const stderr = new Response(child.stderr).text();
  const url = `http://127.0.0.1:${port}`;
  const errors = () => Deno.readTextFile(`${dir}/error.log`).catch(() => "");
  const deadline = Date.now() + 10_000;
  while (true) {
    if (exited) {
      throw new Error(`nginx exited: ${await stderr}\n${await errors()}`);
    }
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`nginx did not listen: ${await errors()}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return {
    url,
    errors,
    async stop() {
      if (!exited) child.kill("SIGTERM");
      await status;
      await stderr;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
