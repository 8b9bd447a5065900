import { useEffect, useRef, useState } from "preact/hooks";
import { MAX_USERNAME_LENGTH } from "../lib/protocol/limits.ts";
import {
  type AuthResult,
  passkeySignIn,
  passkeySignUp,
  safeNext,
  signIn,
  signUp,
} from "../lib/client/auth.ts";

/** Props of the sign-in island. */
export interface SignInProps {
  /** Where to go once signed in (a path of this site). */
  next?: string;
}

type Mode = "signin" | "signup";

/**
 * Sign in or create an account, with a password or a passkey. Errors appear
 * next to the field they are about and are read out (role="alert"); the
 * field in question gets the focus.
 */
export default function SignIn(props: SignInProps) {
  const [mode, setMode] = useState<Mode>("signin");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<Extract<AuthResult, { ok: false }> | null>(
    null,
  );
  const [busy, setBusy] = useState(false);
  const [hydrated, setHydrated] = useState(false);
  const [passkeys, setPasskeys] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    setHydrated(true);
    setPasskeys(typeof PublicKeyCredential !== "undefined");
  }, []);
  const done = (result: AuthResult) => {
    if (result.ok) {
      location.assign(safeNext(props.next));
      return;
    }
    setError(result);
    (result.field === "username" ? nameRef : passwordRef).current?.focus();
  };
  const run = async (work: () => Promise<AuthResult>) => {
    setBusy(true);
    setError(null);
    try {
      done(await work());
    } catch {
      done({
        ok: false,
        message: "The server could not be reached. Try again.",
      });
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: Event) => {
    event.preventDefault();
    if (!username.trim()) {
      done({ ok: false, message: "Enter your name.", field: "username" });
      return;
    }
    if (!password) {
      done({
        ok: false,
        message: "Enter a password, or use a passkey.",
        field: "password",
      });
      return;
    }
    run(() =>
      mode === "signin"
        ? signIn(username, password)
        : signUp(username, password)
    );
  };
  const withPasskey = () => {
    if (mode === "signup" && !username.trim()) {
      done({
        ok: false,
        message: "Pick a name for your new account first.",
        field: "username",
      });
      return;
    }
    run(() => mode === "signin" ? passkeySignIn() : passkeySignUp(username));
  };
  const nameError = error?.field === "username" ? error.message : "";
  const passwordError = error?.field === "password" ? error.message : "";
  const formError = error && !error.field ? error.message : "";
  const switchTo = (next: Mode) => {
    setMode(next);
    setError(null);
  };
  return (
    <div class="signin" data-hydrated={hydrated ? "true" : undefined}>
      <div
        class="signin-tabs"
        role="group"
        aria-label="What do you want to do?"
      >
        <button
          type="button"
          class={`btn btn-small ${
            mode === "signin" ? "btn-primary" : "btn-quiet"
          }`}
          aria-pressed={mode === "signin"}
          onClick={() => switchTo("signin")}
        >
          Sign in
        </button>
        <button
          type="button"
          class={`btn btn-small ${
            mode === "signup" ? "btn-primary" : "btn-quiet"
          }`}
          aria-pressed={mode === "signup"}
          onClick={() => switchTo("signup")}
        >
          Create an account
        </button>
      </div>
      <form
        class="signin-form"
        onSubmit={submit}
        noValidate
        aria-busy={busy ? "true" : undefined}
      >
        <h2 id="signin-heading" class="signin-heading">
          {mode === "signin" ? "Sign in" : "Create an account"}
        </h2>
        <label for="signin-name" class="field-label">Name</label>
        <input
          ref={nameRef}
          id="signin-name"
          name="username"
          class="input"
          autocomplete={mode === "signin" ? "username webauthn" : "username"}
          autocapitalize="off"
          spellcheck={false}
          maxLength={MAX_USERNAME_LENGTH}
          value={username}
          aria-invalid={nameError ? "true" : undefined}
          aria-describedby="signin-name-error signin-name-hint"
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
        <p id="signin-name-error" class="field-error" role="alert">
          {nameError}
        </p>
        <p id="signin-name-hint" class="field-hint">
          {mode === "signup"
            ? `1–${MAX_USERNAME_LENGTH} letters, digits, spaces, '_', '-' or '.'. It will be yours alone.`
            : ""}
        </p>
        <label for="signin-password" class="field-label">Password</label>
        <input
          ref={passwordRef}
          id="signin-password"
          name="password"
          type="password"
          class="input"
          autocomplete={mode === "signin" ? "current-password" : "new-password"}
          minLength={8}
          maxLength={256}
          value={password}
          aria-invalid={passwordError ? "true" : undefined}
          aria-describedby="signin-password-error signin-password-hint"
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        <p id="signin-password-error" class="field-error" role="alert">
          {passwordError}
        </p>
        <p id="signin-password-hint" class="field-hint">
          {mode === "signup" ? "At least 8 characters." : ""}
        </p>
        <p class="field-error signin-error" role="alert">{formError}</p>
        <div class="signin-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {mode === "signin"
              ? "Sign in with password"
              : "Create with password"}
          </button>
          {passkeys && (
            <button
              type="button"
              class="btn"
              id="signin-passkey"
              disabled={busy}
              onClick={withPasskey}
            >
              {mode === "signin"
                ? "Sign in with a passkey"
                : "Create with a passkey"}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
