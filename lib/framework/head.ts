import { type ComponentChildren, createContext } from "preact";
import { useContext } from "preact/hooks";

/** Where `<Head>` puts its children during a server render; null elsewhere. */
export const HeadContext = createContext<ComponentChildren[] | null>(null);

/** Puts its children into the document's `<head>`, as Fresh 1's `Head`; a `<title>` here replaces the app's. */
export function Head(props: { children?: ComponentChildren }): null {
  const collected = useContext(HeadContext);
  collected?.push(props.children);
  return null;
}
