/**
 * The sign-in form's state and actions: mode, fields, the refusal shown, and
 * the request in flight. Plain hooks state: the page ships no signals library.
 */
import type { RefObject } from "preact";
import { useRef, useState } from "preact/hooks";
import type { AuthResult } from "../../client/auth_answers.ts";
import { signIn, signUp } from "../../client/auth.ts";
import { passkeySignIn, passkeySignUp } from "../../client/passkey_auth.ts";
import { safeNext } from "../../client/safe_next.ts";
import {
  type AuthFailure,
  checkPasskeyForm,
  checkPasswordForm,
  type SignInMode,
} from "./sign_in_checks.ts";

/** What {@linkcode useSignIn} gives the form. */
export interface SignInForm {
  mode: SignInMode;
  username: string;
  setUsername: (value: string) => void;
  password: string;
  setPassword: (value: string) => void;
  error: AuthFailure | null;
  busy: boolean;
  nameRef: RefObject<HTMLInputElement>;
  passwordRef: RefObject<HTMLInputElement>;
  /** Sends the password form. */
  submit: (event: Event) => void;
  /** Signs in or up with a passkey. */
  withPasskey: () => void;
  /** Changes the mode and clears the refusal. */
  switchTo: (mode: SignInMode) => void;
}

const UNREACHABLE = "The server could not be reached. Try again.";

/** The form's state; once signed in the page goes to `next` (a path of this site). */
export function useSignIn(next: string | undefined): SignInForm {
  const [mode, setMode] = useState<SignInMode>("signin");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<AuthFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const done = (result: AuthResult) => {
    if (result.ok) {
      location.assign(safeNext(next));
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
      done({ ok: false, message: UNREACHABLE });
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: Event) => {
    event.preventDefault();
    const refused = checkPasswordForm({ username, password });
    if (refused) return done(refused);
    run(() =>
      mode === "signin"
        ? signIn(username, password)
        : signUp(username, password)
    );
  };
  const withPasskey = () => {
    const refused = checkPasskeyForm({ mode, username });
    if (refused) return done(refused);
    run(() => mode === "signin" ? passkeySignIn() : passkeySignUp(username));
  };
  const switchTo = (to: SignInMode) => {
    setMode(to);
    setError(null);
  };
  return {
    mode,
    username,
    setUsername,
    password,
    setPassword,
    error,
    busy,
    nameRef,
    passwordRef,
    submit,
    withPasskey,
    switchTo,
  };
}
