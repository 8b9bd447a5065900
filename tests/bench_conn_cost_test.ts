/** bench/conn_cost.ts at a tiny size: both servers probed after a full GC, every socket joined. */
import assert from "node:assert/strict";
import type { ConnCost } from "../bench/conn_cost.ts";

Deno.test("conn_cost: heap, RSS and join cost per socket of both servers", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "bench/conn_cost.ts",
      "--sockets=60",
      "--room-size=20",
      "--rounds=1",
      "--json",
    ],
    cwd: new URL("../", import.meta.url),
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, stderr);
  const rounds = JSON.parse(
    new TextDecoder().decode(output.stdout),
  ) as ConnCost[];
  assert.deepEqual(rounds.map((r) => r.target), ["reference", "memory"]);
  for (const round of rounds) {
    assert.equal(round.joined, 60, `${round.target}: ${stderr}`);
    assert.equal(round.failed, 0);
    assert.ok(round.heapKib > 0, `${round.target} heap ${round.heapKib}`);
    assert.ok(round.joinMs > 0 && Number.isFinite(round.cpuUsPerJoin));
  }
});
