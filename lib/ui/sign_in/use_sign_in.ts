/** The sign-in form's state and actions: mode, fields, the refusal shown, and the request in flight. */
import { type Signal, useSignal } from "@preact/signals";
import type { RefObject } from "preact";
import { useRef } from "preact/hooks";
import {
  type AuthResult,
  passkeySignIn,
  passkeySignUp,
  safeNext,
  signIn,
  signUp,
} from "../../client/auth.ts";
import {
  type AuthFailure,
  checkPasskeyForm,
  checkPasswordForm,
  type SignInMode,
} from "./sign_in_checks.ts";

/** What {@linkcode useSignIn} gives the form. */
export interface SignInForm {
  mode: Signal<SignInMode>;
  username: Signal<string>;
  password: Signal<string>;
  error: Signal<AuthFailure | null>;
  busy: Signal<boolean>;
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
  const mode = useSignal<SignInMode>("signin");
  const username = useSignal("");
  const password = useSignal("");
  const error = useSignal<AuthFailure | null>(null);
  const busy = useSignal(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const done = (result: AuthResult) => {
    if (result.ok) {
      location.assign(safeNext(next));
      return;
    }
    error.value = result;
    (result.field === "username" ? nameRef : passwordRef).current?.focus();
  };
  const run = async (work: () => Promise<AuthResult>) => {
    busy.value = true;
    error.value = null;
    try {
      done(await work());
    } catch {
      done({ ok: false, message: UNREACHABLE });
    } finally {
      busy.value = false;
    }
  };
  const submit = (event: Event) => {
    event.preventDefault();
    const form = { username: username.value, password: password.value };
    const refused = checkPasswordForm(form);
    if (refused) return done(refused);
    run(() =>
      mode.value === "signin"
        ? signIn(form.username, form.password)
        : signUp(form.username, form.password)
    );
  };
  const withPasskey = () => {
    const refused = checkPasskeyForm({
      mode: mode.value,
      username: username.value,
    });
    if (refused) return done(refused);
    run(() =>
      mode.value === "signin" ? passkeySignIn() : passkeySignUp(username.value)
    );
  };
  const switchTo = (to: SignInMode) => {
    mode.value = to;
    error.value = null;
  };
  return {
    mode,
    username,
    password,
    error,
    busy,
    nameRef,
    passwordRef,
    submit,
    withPasskey,
    switchTo,
  };
}
