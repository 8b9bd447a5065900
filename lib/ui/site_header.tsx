import type { ComponentChildren } from "preact";

/** The top bar with the product name, linking home; `children` go on its right. */
export function SiteHeader(props: { children?: ComponentChildren }) {
  return (
    <header class="site-header">
      <a class="brand" href="/">
        <img src="/favicon.svg" alt="" width="28" height="28" />
        <span>Chat</span>
      </a>
      {props.children}
    </header>
  );
}
