import assert from "node:assert/strict";
import { clientAddress, requestAddress } from "./client_address.ts";

Deno.test("client address: forwarded only through trusted proxies", () => {
  const req = (xff?: string) =>
    new Request("http://x/", {
      headers: xff ? { "x-forwarded-for": xff } : {},
    });
  const trusted = ["10.0.0.1", "10.0.0.2"];
  assert.equal(
    clientAddress(req("6.6.6.6"), { peer: "1.2.3.4", trustedProxies: trusted }),
    "1.2.3.4",
  );
  assert.equal(
    clientAddress(req("6.6.6.6"), {
      peer: "10.0.0.1",
      trustedProxies: trusted,
    }),
    "6.6.6.6",
  );
  assert.equal(
    clientAddress(req("spoofed, 7.7.7.7, 10.0.0.2"), {
      peer: "10.0.0.1",
      trustedProxies: trusted,
    }),
    "7.7.7.7",
  );
  assert.equal(
    clientAddress(req(), { peer: "10.0.0.1", trustedProxies: trusted }),
    "10.0.0.1",
  );
});

Deno.test("request address: the app's trusted proxies and the connection's peer", () => {
  const req = new Request("http://x/", {
    headers: { "x-forwarded-for": "6.6.6.6" },
  });
  const info = {
    remoteAddr: { transport: "tcp", hostname: "10.0.0.1", port: 4000 },
    completed: Promise.resolve(),
  } as Deno.ServeHandlerInfo;
  assert.equal(
    requestAddress(req, { info, state: { trustedProxies: ["10.0.0.1"] } }),
    "6.6.6.6",
  );
  assert.equal(
    requestAddress(req, { info, state: { trustedProxies: [] } }),
    "10.0.0.1",
  );
});
