import { testAccountStoreConformance } from "../../people/accounts_conformance.ts";
import { MemoryAccounts } from "./accounts.ts";

testAccountStoreConformance(
  "memory",
  () => Promise.resolve(new MemoryAccounts()),
);
