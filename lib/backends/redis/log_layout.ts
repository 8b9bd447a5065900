/**
 * The Redis layout of a room's log, as the store's Lua scripts write it and
 * how it reads back: messages in a stream (`<seq>-0`: author, time, nonce),
 * their state (text, owner, reply, edit time, reactions) in a hash by
 * sequence number, changes in a second stream.
 */
import type {
  ChangeEvent,
  EditedEvent,
  MessageEvent,
} from "../../protocol/events.ts";
import { formatId } from "../../chat/ids.ts";
import { type Reply, Script } from "./client.ts";
import { toMessage } from "../../store/store.ts";

/**
 * Lua that drops the position falling out of the retained ones when `seq` is
 * stored (KEYS: log, chg, msg), and that takes the room's next sequence
 * number, never at or below `floor` (the newest this server handed out: after
 * a failover that lost writes the counter may have gone back).
 */
const TRIM = `
local function trim(seq, max, log, chg, msg)
  if seq <= max then return end
  redis.call("XTRIM", log, "MINID", (seq - max + 1) .. "-0")
  redis.call("XTRIM", chg, "MINID", (seq - max + 1) .. "-0")
  redis.call("HDEL", msg, seq - max)
end
local function next_seq(key, floor)
  floor = tonumber(floor) or 0
  if floor > 0 and (tonumber(redis.call("GET", key)) or 0) < floor then
    redis.call("SET", key, floor)
  end
  return redis.call("INCR", key)
end
`;

/**
 * Appends atomically: an existing nonce answers with the original entry;
 * otherwise the room counter is bumped and the message added to the room's
 * stream under the entry id `<seq>-0` (author, time, nonce), its text and
 * owner in the room's hash of message states under `<seq>`; positions older
 * than the retention are trimmed from both.
 */
export const APPEND = new Script(
  TRIM + `
if KEYS[5] then
  local seen = redis.call("GET", KEYS[5])
  if seen then
    local entries = redis.call("XRANGE", KEYS[2], seen .. "-0", seen .. "-0")
    if #entries > 0 then
      return {0, tonumber(seen), entries[1][2], redis.call("HGET", KEYS[4], seen)}
    end
  end
end
local seq = next_seq(KEYS[1], ARGV[7])
local fields = {"u", ARGV[1], "ts", ARGV[3]}
if ARGV[4] ~= "" then
  fields[5] = "n"
  fields[6] = ARGV[4]
end
redis.call("XADD", KEYS[2], seq .. "-0", unpack(fields))
redis.call("HSET", KEYS[4], seq, ARGV[2])
if KEYS[5] then redis.call("SET", KEYS[5], seq, "PX", ARGV[6]) end
trim(seq, tonumber(ARGV[5]), KEYS[2], KEYS[3], KEYS[4])
return {1, seq}
`,
);

/**
 * Applies one change atomically (KEYS: seq, log, chg, msg): reads the
 * message's state (or, for a message stored before states existed, its
 * stream entry), refuses or applies the change, and stores the change event
 * under the room's next id. Reactions are kept as [emoji, names] pairs, in
 * the order the emoji first came. A delete leaves a state with no text and
 * drops the texts of the message's edits.
 */
export const CHANGE = new Script(
  TRIM + `
local kind, target = ARGV[1], ARGV[2]
local raw = redis.call("HGET", KEYS[4], target)
local rec
if raw then
  rec = cjson.decode(raw)
else
  local entries = redis.call("XRANGE", KEYS[2], target .. "-0", target .. "-0")
  if #entries == 0 then return {"not_found"} end
  local f = entries[1][2]
  rec = {}
  for i = 1, #f, 2 do
    if f[i] == "t" then rec.t = f[i + 1]; rec.legacy = 1 end
  end
end
if rec.d then return {"not_found"} end
local user, value, ts = ARGV[6], ARGV[7], ARGV[5]
if kind == "edit" then
  if rec.ed and #rec.ed >= tonumber(ARGV[4]) then return {"too_many_edits"} end
elseif kind == "react" then
  local on = ARGV[8] == "1"
  local x = rec.x or {}
  local slot, at
  for i, pair in ipairs(x) do if pair[1] == value then slot = i end end
  local names = slot and x[slot][2] or {}
  for i, name in ipairs(names) do if name == user then at = i end end
  if (at ~= nil) == on then return {"unchanged"} end
  if on then
    if slot then
      table.insert(names, user)
    else
      if #x >= tonumber(ARGV[9]) then return {"too_many_reactions"} end
      table.insert(x, {value, {user}})
    end
  else
    table.remove(names, at)
    if #names == 0 then table.remove(x, slot) end
  end
  if #x == 0 then rec.x = nil else rec.x = x end
end
local seq = next_seq(KEYS[1], ARGV[10])
if kind == "edit" then
  rec.t = value
  rec.e = ts
  rec.ed = rec.ed or {}
  table.insert(rec.ed, seq)
  redis.call("HSET", KEYS[4], seq, cjson.encode({t = value}))
  redis.call("XADD", KEYS[3], seq .. "-0", "k", "e", "g", target, "u", user, "ts", ts)
elseif kind == "delete" then
  for _, edit in ipairs(rec.ed or {}) do redis.call("HDEL", KEYS[4], edit) end
  if rec.legacy then redis.call("XDEL", KEYS[2], target .. "-0") end
  rec = {d = 1, o = rec.o}
  redis.call("XADD", KEYS[3], seq .. "-0", "k", "d", "g", target, "u", user, "ts", ts)
else
  redis.call("XADD", KEYS[3], seq .. "-0", "k", "r", "g", target, "u", user, "m", value, "on", ARGV[8])
end
redis.call("HSET", KEYS[4], target, cjson.encode(rec))
trim(seq, tonumber(ARGV[3]), KEYS[2], KEYS[3], KEYS[4])
return {"ok", seq}
`,
);

/** A message's state in the room's hash, as the scripts write it. */
export interface State {
  /** Text (absent once deleted). */
  t?: string;
  /** Owner key. */
  o?: string;
  /** Id of the message replied to. */
  rt?: string;
  /** Edited at (ms, as a string). */
  e?: string;
  d?: number;
  /** Reactions: [emoji, names] pairs. */
  x?: [string, string[]][];
}

/** A stream entry's field list as an object. */
export function fieldsOf(reply: Reply): Record<string, string> {
  const list = reply as string[];
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) fields[list[i]] = list[i + 1];
  return fields;
}

/** A state read from the hash (undefined when absent). */
export function parseState(raw: Reply | undefined): State | undefined {
  return typeof raw === "string" ? JSON.parse(raw) as State : undefined;
}

/** The sequence number of a stream entry id `<seq>-0`. */
export function seqOf(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf("-")));
}

/** The wire message of a stream entry and its state, as it is now. */
export function toEvent(
  room: string,
  options: { seq: number; fields: Reply; state?: State },
): MessageEvent {
  const fields = fieldsOf(options.fields);
  const state = options.state ?? {};
  const id = formatId(options.seq);
  const ts = Number(fields.ts);
  if (state.d) {
    return { type: "message", id, room, username: fields.u, ts, deleted: true };
  }
  const message = toMessage(room, {
    id,
    username: fields.u,
    text: state.t ?? fields.t,
    ts,
    nonce: fields.n,
    replyTo: state.rt,
    owner: state.o,
  });
  if (state.e !== undefined) message.editedAt = Number(state.e);
  if (Array.isArray(state.x) && state.x.length > 0) {
    message.reactions = Object.fromEntries(state.x);
  }
  return message;
}

/** The wire change event of a change-stream entry; `text` from its edit state, while kept. */
export function toChange(
  entryId: string,
  options: { fields: Reply; text?: State },
): ChangeEvent {
  const f = fieldsOf(options.fields);
  const id = formatId(seqOf(entryId));
  const target = formatId(Number(f.g));
  if (f.k === "e") {
    const event: EditedEvent = {
      type: "edited",
      id,
      target,
      editedAt: Number(f.ts),
      username: f.u,
    };
    if (options.text?.t !== undefined) event.text = options.text.t;
    return event;
  }
  if (f.k === "d") {
    return { type: "deleted", id, target, by: f.u, ts: Number(f.ts) };
  }
  return {
    type: "reaction",
    id,
    target,
    emoji: f.m,
    username: f.u,
    on: f.on === "1",
  };
}
