import { testRoomStoreConformance } from "./conformance.ts";
import { MemoryRooms } from "./memory_rooms.ts";

testRoomStoreConformance("memory", () => Promise.resolve(new MemoryRooms()));
