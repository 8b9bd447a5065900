/** A labelled input with its error line (read out) and its hint below. */
import type { JSX, RefObject } from "preact";

/** Props of {@linkcode TextField}; `input` are the input's own attributes. */
export interface TextFieldProps {
  /** The input's id; the error and hint lines are `<id>-error` and `<id>-hint`. */
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  /** The refusal about this field, or "". */
  error: string;
  hint: string;
  inputRef: RefObject<HTMLInputElement>;
  input: JSX.InputHTMLAttributes<HTMLInputElement>;
}

/** Label, input, error line, hint. */
export function TextField(props: TextFieldProps) {
  const { id } = props;
  return (
    <>
      <label for={id} class="field-label">{props.label}</label>
      <input
        ref={props.inputRef}
        id={id}
        class="input"
        {...props.input}
        value={props.value}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={`${id}-error ${id}-hint`}
        onInput={(event) => props.onValue(event.currentTarget.value)}
      />
      <p id={`${id}-error`} class="field-error" role="alert">{props.error}</p>
      <p id={`${id}-hint`} class="field-hint">{props.hint}</p>
    </>
  );
}
