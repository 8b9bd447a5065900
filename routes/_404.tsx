import { Head } from "../lib/framework/head.ts";
import { SiteHeader } from "../lib/ui/site_header.tsx";

/** The 404 page: friendly, and it repeats nothing from the request. */
export default function NotFound() {
  return (
    <>
      <Head>
        <title>Page not found · Chat</title>
      </Head>
      <SiteHeader />
      <main class="page page-narrow">
        <section class="card not-found">
          <p class="eyebrow">404</p>
          <h1>There is nothing here</h1>
          <p>
            The page may have moved, or the address has a typo. Room names use
            letters, digits, <code>_</code> and <code>-</code>.
          </p>
          <p>
            <a class="btn btn-primary" href="/">Go to the rooms</a>
          </p>
        </section>
      </main>
    </>
  );
}
