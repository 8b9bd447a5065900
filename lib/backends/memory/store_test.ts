import { testStoreConformance } from "../../store/conformance.ts";
import { MemoryStore } from "./store.ts";

testStoreConformance(
  "memory",
  (options) => Promise.resolve(new MemoryStore(options)),
);
