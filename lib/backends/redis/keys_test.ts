import assert from "node:assert/strict";
import { RedisKeys } from "./keys.ts";

Deno.test("person keys: accounts, names and passkeys in the {people} slot; sessions, failures and challenges alone", () => {
  const keys = new RedisKeys("t:");
  assert.equal(keys.person("account", "alice"), "t:{people}:account:alice");
  assert.equal(keys.person("cred", "c1"), "t:{people}:cred:c1");
  assert.equal(keys.person("session", "s1"), "t:session:s1");
  assert.equal(keys.person("fail", "ip:1"), "t:fail:ip:1");
  assert.equal(new RedisKeys().person("challenge", "x"), "chat:challenge:x");
});
