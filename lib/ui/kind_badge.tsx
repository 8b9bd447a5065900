/** The small text badge that tells accounts and token users from guests (words, never colour alone). */

const LABELS: Record<string, { text: string; title: string }> = {
  account: { text: "account", title: "Signed in with an account" },
  token: { text: "site", title: "Signed in by the site that embeds this chat" },
};

/** A badge for an account or a token user; nothing for a guest. */
export function KindBadge(props: { kind?: string }) {
  const label = props.kind ? LABELS[props.kind] : undefined;
  if (!label) return null;
  return (
    <span class={`kind-badge kind-${props.kind}`} title={label.title}>
      {label.text}
    </span>
  );
}
