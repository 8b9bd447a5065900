import { testAccountStoreConformance } from "./accounts_conformance.ts";
import { MemoryAccounts } from "./memory_accounts.ts";

testAccountStoreConformance(
  "memory",
  () => Promise.resolve(new MemoryAccounts()),
);
