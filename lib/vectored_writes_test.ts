import assert from "node:assert/strict";
import {
  preferVectoredWrites,
  VECTORED_WRITES_VARIABLE,
} from "./vectored_writes.ts";

function fakeEnv(initial: Record<string, string>) {
  const values = new Map(Object.entries(initial));
  return {
    values,
    get: (name: string) => values.get(name),
    set: (name: string, value: string) => void values.set(name, value),
  };
}

Deno.test("vectored writes: turned on when the variable is unset", () => {
  const env = fakeEnv({});
  assert.equal(preferVectoredWrites(env), true);
  assert.equal(env.values.get(VECTORED_WRITES_VARIABLE), "1");
});

Deno.test("vectored writes: an operator's value, empty included, is kept", () => {
  for (const value of ["", "0", "1"]) {
    const env = fakeEnv({ [VECTORED_WRITES_VARIABLE]: value });
    assert.equal(preferVectoredWrites(env), false);
    assert.equal(env.values.get(VECTORED_WRITES_VARIABLE), value);
  }
});

Deno.test("vectored writes: an environment that may not be read or written is left alone", () => {
  const denied = {
    get(): string | undefined {
      throw new Deno.errors.NotCapable("no env");
    },
    set() {
      throw new Deno.errors.NotCapable("no env");
    },
  };
  assert.equal(preferVectoredWrites(denied), false);
});

Deno.test("vectored writes: the server process gets the variable before its first socket", async () => {
  const { serveChat } = await import("./server.ts");
  const { loadConfig } = await import("./config.ts");
  const saved = Deno.env.get(VECTORED_WRITES_VARIABLE);
  Deno.env.delete(VECTORED_WRITES_VARIABLE);
  const env: Record<string, string> = {
    PORT: "0",
    HOSTNAME: "127.0.0.1",
    CHAT_STORE: "memory",
  };
  const server = await serveChat(loadConfig((name) => env[name]), {
    log: () => {},
  });
  try {
    assert.equal(Deno.env.get(VECTORED_WRITES_VARIABLE), "1");
  } finally {
    await server.shutdown("test");
    if (saved === undefined) Deno.env.delete(VECTORED_WRITES_VARIABLE);
    else Deno.env.set(VECTORED_WRITES_VARIABLE, saved);
  }
});
