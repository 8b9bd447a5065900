import type { AppState } from "../lib/app_state.ts";
import { Head } from "../lib/framework/head.ts";
import type { Handlers, PageProps } from "../lib/framework/types.ts";
import { sessionIdOf } from "../lib/http/session_cookie.ts";
import { safeNext } from "../lib/client/safe_next.ts";
import { SiteHeader } from "../lib/ui/site_header.tsx";
import SignIn from "../islands/sign_in.tsx";

interface SignInData {
  next: string;
  account: string | null;
}

/** `GET /signin?next=/path`: sign in or create an account; 404 when accounts are off. */
export const handler: Handlers<SignInData, AppState> = {
  async GET(req, ctx) {
    if (ctx.state.people.mode === "off") return ctx.renderNotFound();
    const who = await ctx.state.people.identify(sessionIdOf(req));
    return ctx.render({
      next: safeNext(ctx.url.searchParams.get("next")),
      account: who?.username ?? null,
    });
  },
};

/** The sign-in page. */
export default function SignInPage({ data }: PageProps<SignInData, AppState>) {
  return (
    <>
      <Head>
        <title>Sign in · Chat</title>
      </Head>
      <SiteHeader account={data.account} />
      <main class="page page-signin">
        <section class="card" aria-labelledby="signin-title">
          <h1 id="signin-title">Your account</h1>
          <p class="lead">
            With an account your name is yours in every room: nobody else can
            use it, or a name that looks like it.
          </p>
          <SignIn next={data.next} />
          <noscript>
            <p class="noscript">Signing in needs JavaScript.</p>
          </noscript>
        </section>
      </main>
    </>
  );
}
