import assert from "node:assert/strict";
import { loadConfig, SCHEMA, SETTINGS } from "./config.ts";
import { type Setting, settingsTable, TABLE_MARKS } from "./settings.ts";
import { documented, SETTINGS_DOCS } from "../tools/docs.ts";

function config(env: Record<string, string>) {
  return loadConfig((name) => env[name]);
}

Deno.test("REDIS_CLUSTER_NODES: host:port seeds, a clear error otherwise", () => {
  assert.deepEqual(config({}).redisClusterNodes, []);
  assert.deepEqual(
    config({ REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b:7001," })
      .redisClusterNodes,
    ["10.0.0.1:7000", "redis-b:7001"],
  );
  for (const bad of ["10.0.0.1", "redis://a:7000", "a:b", "a:7000 b:7001"]) {
    assert.throws(
      () => config({ REDIS_CLUSTER_NODES: bad }),
      /REDIS_CLUSTER_NODES must be comma-separated host:port/,
    );
  }
});

Deno.test("CHAT_REDIS_WAIT_REPLICAS: 0 by default, a whole number up to 16", () => {
  assert.equal(config({}).redisWaitReplicas, 0);
  assert.equal(config({ CHAT_REDIS_WAIT_REPLICAS: "2" }).redisWaitReplicas, 2);
  for (const bad of ["-1", "17", "1.5", "one"]) {
    assert.throws(
      () => config({ CHAT_REDIS_WAIT_REPLICAS: bad }),
      /CHAT_REDIS_WAIT_REPLICAS must be a whole number from 0 to 16/,
    );
  }
});

Deno.test("the defaults, and bad values named with their rule", () => {
  const defaults = config({});
  assert.equal(defaults.port, 8000);
  assert.equal(defaults.store, "kv");
  assert.equal(defaults.kvPath, "./data/chat.kv");
  assert.equal(defaults.rateLimit, true);
  assert.equal(defaults.messageTtlMs, undefined);
  assert.equal(defaults.dev, false);
  assert.equal(config({ DENO_DEPLOYMENT_ID: "x" }).kvPath, undefined);
  assert.equal(config({ DENO_DEPLOYMENT_ID: "x" }).workers, 1);
  assert.equal(config({ CHAT_RATE_LIMIT: "OFF" }).rateLimit, false);
  assert.equal(config({ CHAT_ACCOUNTS: "Required" }).accounts, "required");
  assert.deepEqual(config({ CHAT_ADMINS: "Alice, BOB" }).admins, [
    "alice",
    "bob",
  ]);
  assert.equal(config({ CHAT_MESSAGE_TTL_MS: "5000" }).messageTtlMs, 5000);
  assert.throws(
    () => config({ CHAT_STORE: "KV" }),
    /CHAT_STORE must be kv, memory or redis, got "KV"/,
  );
  assert.throws(
    () => config({ CHAT_LOG_LEVEL: "loud" }),
    /CHAT_LOG_LEVEL must be debug, info, warn or error, got "loud"/,
  );
  assert.throws(
    () => config({ CHAT_TOKEN_SECRET: "short" }),
    /CHAT_TOKEN_SECRET must have at least 32 characters/,
  );
  assert.throws(
    () => config({ PORT: "65536" }),
    /PORT must be a whole number from 0 to 65535, got "65536"/,
  );
});

Deno.test("the settings tables of the docs are the schema's (run `deno task docs`)", async () => {
  for (const file of SETTINGS_DOCS) {
    const text = await Deno.readTextFile(
      new URL(`../${file}`, import.meta.url),
    );
    assert.equal(
      text,
      documented(text),
      `${file} drifted from lib/config.ts: run deno task docs`,
    );
  }
});

Deno.test("a drifted table is caught", () => {
  const table = settingsTable(SCHEMA);
  const page =
    `# x\n\n${TABLE_MARKS.start}\n\n${table}\n\n${TABLE_MARKS.end}\n`;
  assert.equal(documented(page), page);
  const drifted = page.replace("TCP port", "TCP port number");
  assert.notEqual(documented(drifted), drifted);
  const missing = page.replace(/^\| `CHAT_DEV`.*\n/m, "");
  assert.notEqual(documented(missing), missing);
  assert.throws(() => documented("# no marks\n"), /no settings table marks/);
});

Deno.test("every README section a setting points to exists", async () => {
  const readme = await Deno.readTextFile(
    new URL("../README.md", import.meta.url),
  );
  const headings = new Set(
    [...readme.matchAll(/^#+ (.+)$/gm)].map((match) => match[1]),
  );
  for (const setting of SCHEMA as readonly Setting[]) {
    if (setting.see) assert.ok(headings.has(setting.see), setting.see);
  }
  assert.deepEqual(SETTINGS, SCHEMA.map((setting) => setting.name));
  assert.equal(new Set(SETTINGS).size, SETTINGS.length);
});
