import { useEffect, useState } from "preact/hooks";
import { ModeTabs } from "../lib/ui/sign_in/mode_tabs.tsx";
import { SignInForm } from "../lib/ui/sign_in/sign_in_form.tsx";
import { useSignIn } from "../lib/ui/sign_in/use_sign_in.ts";

/** Props of the sign-in island. */
export interface SignInProps {
  /** Where to go once signed in (a path of this site). */
  next?: string;
}

/**
 * Sign in or create an account, with a password or a passkey. Errors appear
 * next to the field they are about and are read out (role="alert"); the
 * field in question gets the focus.
 */
export default function SignIn(props: SignInProps) {
  const form = useSignIn(props.next);
  const [hydrated, setHydrated] = useState(false);
  const [passkeys, setPasskeys] = useState(false);
  useEffect(() => {
    setHydrated(true);
    setPasskeys(typeof PublicKeyCredential !== "undefined");
  }, []);
  return (
    <div class="signin" data-hydrated={hydrated ? "true" : undefined}>
      <ModeTabs mode={form.mode} onSwitch={form.switchTo} />
      <SignInForm form={form} passkeys={passkeys} />
    </div>
  );
}
