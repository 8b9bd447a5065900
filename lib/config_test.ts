import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";

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
