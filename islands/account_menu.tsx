import { useState } from "preact/hooks";
import { signOut } from "../lib/client/auth.ts";
import { KindBadge } from "../lib/ui/kind_badge.tsx";

/** Props of the header's account menu. */
export interface AccountMenuProps {
  /** The signed-in account as the server knew it; null for nobody; undefined: not known (nothing shown). */
  account?: string | null;
}

/** Who you are, with a sign-out; or a link to sign in. */
export default function AccountMenu(props: AccountMenuProps) {
  const { account } = props;
  const [busy, setBusy] = useState(false);
  if (account === undefined) {
    return <div class="account-menu" />;
  }
  if (account === null) {
    const next = typeof location === "undefined"
      ? "/"
      : location.pathname + location.search;
    return (
      <div class="account-menu">
        <a
          href={`/signin?next=${encodeURIComponent(next)}`}
          class="signin-link"
        >
          Sign in
        </a>
      </div>
    );
  }
  return (
    <div class="account-menu">
      <span class="signed-in-as">
        <span class="signed-in-words">Signed in as</span>{" "}
        <bdi class="account-name">{account}</bdi>
        <KindBadge kind="account" />
      </span>
      <button
        type="button"
        class="btn btn-small btn-quiet"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await signOut();
          } finally {
            location.reload();
          }
        }}
      >
        Sign out
      </button>
    </div>
  );
}
