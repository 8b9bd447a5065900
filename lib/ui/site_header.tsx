import type { ComponentChildren } from "preact";
import AccountMenu from "../../islands/account_menu.tsx";

/**
 * The top bar with the product name, linking home; `children` go on its
 * right, then who is signed in (`account`, as the server found it; null for
 * nobody, undefined where the page does not say).
 */
export function SiteHeader(
  props: { children?: ComponentChildren; account?: string | null },
) {
  return (
    <header class="site-header">
      <a class="brand" href="/">
        <img src="/favicon.svg" alt="" width="28" height="28" />
        <span>Chat</span>
      </a>
      {props.children}
      <AccountMenu account={props.account} />
    </header>
  );
}
