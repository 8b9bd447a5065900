import assert from "node:assert/strict";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from "jose";
import { loadTokenKeys, MAX_TOKEN_LENGTH, verifyToken } from "./tokens.ts";

const SECRET = "a-test-secret-of-at-least-32-characters!";
const hour = () => Math.floor(Date.now() / 1000) + 3600;

function hs256(claims: Record<string, unknown>, secret = SECRET) {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(
    new TextEncoder().encode(secret),
  );
}

Deno.test("an HS256 token names its bearer: sub, name, rooms", async () => {
  const keys = await loadTokenKeys({ secret: SECRET });
  const token = await hs256({
    sub: "u42",
    name: " Zoë ",
    exp: hour(),
    rooms: ["Lobby", "bad room"],
  });
  assert.deepEqual(await verifyToken(token, { keys, room: "lobby" }), {
    ok: true,
    claims: { sub: "u42", name: "Zoë", rooms: ["lobby"] },
  });
  assert.deepEqual(await verifyToken(token, { keys, room: "other" }), {
    ok: false,
    reason: "another room",
  });
  const anyRoom = await hs256({ sub: "u42", name: "zoe", exp: hour() });
  assert.equal((await verifyToken(anyRoom, { keys, room: "other" })).ok, true);
});

Deno.test("expired, re-signed, unsigned, malformed or incomplete tokens are refused", async () => {
  const keys = await loadTokenKeys({ secret: SECRET });
  const refused = async (token: string) =>
    assert.equal(
      (await verifyToken(token, { keys, room: "lobby" })).ok,
      false,
      token,
    );
  await refused(
    await hs256({
      sub: "u",
      name: "n",
      exp: Math.floor(Date.now() / 1000) - 10,
    }),
  );
  await refused(
    await hs256(
      { sub: "u", name: "n", exp: hour() },
      "another-secret-of-at-least-32-characters",
    ),
  );
  await refused(await hs256({ name: "n", exp: hour() }));
  await refused(await hs256({ sub: "u", exp: hour() }));
  await refused(await hs256({ sub: "u", name: "n" }));
  await refused(await hs256({ sub: "u", name: "bad\u200bname", exp: hour() }));
  await refused(
    await hs256({ sub: "u", name: "n", exp: hour(), rooms: "lobby" }),
  );
  const good = await hs256({ sub: "u", name: "n", exp: hour() });
  const [header, payload] = good.split(".");
  const none = btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "");
  await refused(`${none}.${payload}.`);
  const tampered = btoa(
    JSON.stringify({ sub: "admin", name: "n", exp: hour() }),
  )
    .replace(/=+$/, "");
  await refused(`${header}.${tampered}.${good.split(".")[2]}`);
  await refused("not a token");
  await refused("x".repeat(MAX_TOKEN_LENGTH + 1));
  assert.equal(
    (await verifyToken(good, { keys: await loadTokenKeys({}), room: "lobby" }))
      .ok,
    false,
    "no keys configured: no tokens",
  );
});

Deno.test("ES256 and RS256 public keys, as JWK or PEM", async () => {
  for (const alg of ["ES256", "RS256"]) {
    const pair = await generateKeyPair(alg, { extractable: true });
    const token = await new SignJWT({
      sub: "s",
      name: "site user",
      exp: hour(),
    })
      .setProtectedHeader({ alg })
      .sign(pair.privateKey);
    for (
      const publicKey of [
        JSON.stringify(await exportJWK(pair.publicKey)),
        await exportSPKI(pair.publicKey),
      ]
    ) {
      const keys = await loadTokenKeys({ publicKey });
      assert.equal(
        (await verifyToken(token, { keys, room: "r" })).ok,
        true,
        alg,
      );
      const hsWithPublicKey = await hs256(
        { sub: "s", name: "n", exp: hour() },
        publicKey,
      );
      assert.equal(
        (await verifyToken(hsWithPublicKey, { keys, room: "r" })).ok,
        false,
      );
    }
  }
  await assert.rejects(
    () => loadTokenKeys({ publicKey: "nonsense" }),
    /CHAT_TOKEN_PUBLIC_KEY/,
  );
});
