/** The create-room form's state and its submission: the name checked first, then `POST /api/rooms`, then the new room. */
import { useState } from "preact/hooks";
import { parseRoom } from "../../protocol/names.ts";
import { roomPath } from "../../client/urls.ts";
import { roomApi } from "../room/room_rights.ts";
import { createRefusal } from "./create_refusal.ts";

/** Who may see a new room. */
export type Visibility = "public" | "private";

/** What {@linkcode useCreateRoom} gives the form. */
export interface CreateRoomForm {
  name: string;
  setName: (value: string) => void;
  visibility: Visibility;
  setVisibility: (value: Visibility) => void;
  topic: string;
  setTopic: (value: string) => void;
  /** The refusal shown, or "". */
  error: string;
  /** True when signing in would help (a link is shown). */
  signIn: boolean;
  busy: boolean;
  submit: (event: Event) => void;
}

/** The form's state; a created room opens at once. */
export function useCreateRoom(): CreateRoomForm {
  const [name, setName] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("public");
  const [topic, setTopic] = useState("");
  const [error, setError] = useState("");
  const [signIn, setSignIn] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseRoom(name.trim());
    if (!parsed.ok) {
      setError(parsed.reason);
      return;
    }
    setBusy(true);
    setError("");
    try {
      const { status, body } = await roomApi("/api/rooms", {
        method: "POST",
        body: { room: parsed.canonical, visibility, topic },
      });
      if (status === 201) {
        location.assign(roomPath(parsed.canonical));
        return;
      }
      const refusal = createRefusal(status, body);
      if (refusal.signIn) setSignIn(true);
      setError(refusal.message);
    } catch {
      setError("The server could not be reached.");
    } finally {
      setBusy(false);
    }
  };
  return {
    name,
    setName,
    visibility,
    setVisibility,
    topic,
    setTopic,
    error,
    signIn,
    busy,
    submit: (event) => void submit(event),
  };
}
