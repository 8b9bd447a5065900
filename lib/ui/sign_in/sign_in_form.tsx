/** The sign-in form: name, password, the form's own refusal, and the password and passkey buttons. */
import {
  MAX_PASSWORD_LENGTH,
  MAX_USERNAME_LENGTH,
  MIN_PASSWORD_LENGTH,
} from "../../protocol/limits.ts";
import { TextField } from "./text_field.tsx";
import type { SignInForm as Form } from "./use_sign_in.ts";

/** The form for the current mode; `passkeys` when the browser offers them. */
export function SignInForm(props: { form: Form; passkeys: boolean }) {
  const { form } = props;
  const signin = form.mode === "signin";
  const error = form.error;
  const busy = form.busy;
  return (
    <form
      class="signin-form"
      onSubmit={form.submit}
      noValidate
      aria-busy={busy ? "true" : undefined}
    >
      <h2 id="signin-heading" class="signin-heading">
        {signin ? "Sign in" : "Create an account"}
      </h2>
      <TextField
        id="signin-name"
        label="Name"
        value={form.username}
        onValue={form.setUsername}
        error={error?.field === "username" ? error.message : ""}
        hint={signin
          ? ""
          : `1–${MAX_USERNAME_LENGTH} letters, digits, spaces, '_', '-' or '.'. It will be yours alone.`}
        inputRef={form.nameRef}
        input={{
          name: "username",
          autocomplete: signin ? "username webauthn" : "username",
          autocapitalize: "off",
          spellcheck: false,
          maxLength: MAX_USERNAME_LENGTH,
        }}
      />
      <TextField
        id="signin-password"
        label="Password"
        value={form.password}
        onValue={form.setPassword}
        error={error?.field === "password" ? error.message : ""}
        hint={signin ? "" : `At least ${MIN_PASSWORD_LENGTH} characters.`}
        inputRef={form.passwordRef}
        input={{
          name: "password",
          type: "password",
          autocomplete: signin ? "current-password" : "new-password",
          minLength: MIN_PASSWORD_LENGTH,
          maxLength: MAX_PASSWORD_LENGTH,
        }}
      />
      <p class="field-error signin-error" role="alert">
        {error && !error.field ? error.message : ""}
      </p>
      <div class="signin-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {signin ? "Sign in with password" : "Create with password"}
        </button>
        {props.passkeys && (
          <button
            type="button"
            class="btn"
            id="signin-passkey"
            disabled={busy}
            onClick={form.withPasskey}
          >
            {signin ? "Sign in with a passkey" : "Create with a passkey"}
          </button>
        )}
      </div>
    </form>
  );
}
