import { BroadcastFanout } from "./fanout.ts";
import { testFanoutConformance } from "./fanout_conformance.ts";

let run = 0;
testFanoutConformance("broadcast", (count) => {
  const prefix = `fanout-test-${++run}:`;
  return Promise.resolve(
    Array.from({ length: count }, () => new BroadcastFanout({ prefix })),
  );
});
