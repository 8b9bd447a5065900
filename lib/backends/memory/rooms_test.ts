import { testRoomStoreConformance } from "../../rooms/conformance.ts";
import { MemoryRooms } from "./rooms.ts";

testRoomStoreConformance("memory", () => Promise.resolve(new MemoryRooms()));
