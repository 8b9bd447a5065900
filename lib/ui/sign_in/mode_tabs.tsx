/** The two buttons that switch the sign-in form between signing in and creating an account. */
import type { SignInMode } from "./sign_in_checks.ts";

const LABELS: Record<SignInMode, string> = {
  signin: "Sign in",
  signup: "Create an account",
};

/** "Sign in" / "Create an account", the current one pressed. */
export function ModeTabs(
  props: { mode: SignInMode; onSwitch: (mode: SignInMode) => void },
) {
  return (
    <div class="signin-tabs" role="group" aria-label="What do you want to do?">
      {(["signin", "signup"] as const).map((mode) => (
        <button
          key={mode}
          type="button"
          class={`btn btn-small ${
            props.mode === mode ? "btn-primary" : "btn-quiet"
          }`}
          aria-pressed={props.mode === mode}
          onClick={() => props.onSwitch(mode)}
        >
          {LABELS[mode]}
        </button>
      ))}
    </div>
  );
}
