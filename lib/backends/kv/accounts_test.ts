import { testAccountStoreConformance } from "../../people/accounts_conformance.ts";
import { KvAccounts } from "./accounts.ts";

const open: Deno.Kv[] = [];
testAccountStoreConformance("kv", async () => {
  const kv = await Deno.openKv(":memory:");
  open.push(kv);
  return new KvAccounts(kv);
}, { close: () => open.splice(0).forEach((kv) => kv.close()) });
