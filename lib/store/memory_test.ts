import { testStoreConformance } from "./conformance.ts";
import { MemoryStore } from "./memory.ts";

testStoreConformance(
  "memory",
  (options) => Promise.resolve(new MemoryStore(options)),
);
