/** The message box's state and keys: the draft, the last refusal, Enter to send, ↑ to edit, Escape to drop the reply. */
import { type Signal, useSignal } from "@preact/signals";
import type { RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** What the composer is told and may do. */
export interface ComposerOptions {
  /** True while sending is impossible. */
  disabled: boolean;
  onSend: (text: string) => string | null;
  onTyping: () => void;
  /** True while the next message answers another. */
  replying: boolean;
  onCancelReply?: () => void;
  /** Up arrow in an empty box: edit our newest message; false when there is none. */
  onEditLast?: () => boolean;
}

/** What {@linkcode useComposer} gives the form. */
export interface ComposerState {
  draft: Signal<string>;
  /** Why the last message could not be sent. */
  error: Signal<string | null>;
  input: RefObject<HTMLTextAreaElement>;
  submit: () => void;
  onInput: (event: { currentTarget: HTMLTextAreaElement }) => void;
  onKeyDown: (event: KeyboardEvent) => void;
  onFocus: () => void;
  onBlur: () => void;
}

/** The composer's state; the focus comes back to the box when sending is possible again (if it was there). */
export function useComposer(options: ComposerOptions): ComposerState {
  const draft = useSignal("");
  const error = useSignal<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const wasFocused = useRef(true);
  const { disabled } = options;
  useEffect(() => {
    if (!disabled && wasFocused.current) input.current?.focus();
  }, [disabled]);
  const submit = () => {
    if (disabled) return;
    const problem = options.onSend(draft.value);
    error.value = problem;
    if (problem === null) draft.value = "";
    input.current?.focus();
  };
  return {
    draft,
    error,
    input,
    submit,
    onInput(event) {
      draft.value = event.currentTarget.value;
      if (error.value) error.value = null;
      if (draft.value.trim() !== "") options.onTyping();
    },
    onKeyDown(event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      } else if (
        event.key === "ArrowUp" && draft.value === "" &&
        options.onEditLast?.()
      ) {
        event.preventDefault();
      } else if (event.key === "Escape" && options.replying) {
        event.preventDefault();
        options.onCancelReply?.();
      }
    },
    onFocus() {
      wasFocused.current = true;
    },
    onBlur() {
      wasFocused.current = document.activeElement === input.current;
    },
  };
}
