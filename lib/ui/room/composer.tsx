import type { MessageEvent } from "../../protocol/events.ts";
import { ComposerHint, ReplyingLine } from "./composer_parts.tsx";
import { useComposer } from "./use_composer.ts";

/** The message box: Enter sends, Shift+Enter adds a line; `blocked` says why sending waits. */
export function Composer(
  props: {
    room: string;
    username: string;
    /** Why sending is impossible right now, or null when it is possible. */
    blocked: string | null;
    onSend: (text: string) => string | null;
    onTyping: () => void;
    /** The message the next one answers. */
    replyTo?: MessageEvent | null;
    onCancelReply?: () => void;
    /** Up arrow in an empty box: edit our newest message; false when there is none. */
    onEditLast?: () => boolean;
  },
) {
  const disabled = props.blocked !== null;
  const box = useComposer({
    disabled,
    onSend: props.onSend,
    onTyping: props.onTyping,
    replying: Boolean(props.replyTo),
    onCancelReply: props.onCancelReply,
    onEditLast: props.onEditLast,
  });
  const draft = box.draft.value;
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        box.submit();
      }}
    >
      {props.replyTo && (
        <ReplyingLine
          replyTo={props.replyTo}
          onCancel={() => {
            props.onCancelReply?.();
            box.input.current?.focus();
          }}
        />
      )}
      <div class="field-row">
        <label for="chat-input" class="visually-hidden">
          Message #{props.room}
        </label>
        <textarea
          ref={box.input}
          id="chat-input"
          name="text"
          class="input composer-input"
          rows={Math.min(6, draft.split("\n").length)}
          placeholder={disabled
            ? "Waiting for the connection…"
            : `Message #${props.room}`}
          enterkeyhint="send"
          aria-describedby="composer-hint"
          disabled={disabled}
          value={draft}
          onFocus={box.onFocus}
          onBlur={box.onBlur}
          onInput={box.onInput}
          onKeyDown={box.onKeyDown}
        />
        <button
          type="submit"
          class="btn btn-primary btn-send"
          disabled={disabled}
        >
          Send
        </button>
      </div>
      <ComposerHint
        blocked={props.blocked}
        error={box.error.value}
        username={props.username}
        draft={draft}
      />
    </form>
  );
}
