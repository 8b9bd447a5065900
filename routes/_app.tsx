import type { AppProps } from "../lib/framework/types.ts";
import type { AppState } from "../lib/app_state.ts";

/** The document shell of every page; no inline scripts or styles (strict CSP). */
export default function App({ Component }: AppProps<AppState>) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta
          name="theme-color"
          content="#f6f7fb"
          media="(prefers-color-scheme: light)"
        />
        <meta
          name="theme-color"
          content="#12141c"
          media="(prefers-color-scheme: dark)"
        />
        <title>Chat</title>
        <link rel="stylesheet" href="/styles.css" />
        <link rel="stylesheet" href="/rooms.css" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <Component />
      </body>
    </html>
  );
}
