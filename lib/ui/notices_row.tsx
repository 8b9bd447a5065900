/** A run of join, leave and moderation notices in the timeline, folded into one line when long. */
import { memo } from "./memo.ts";
import type { Notice } from "../client/chat_state.ts";
import { Time } from "./bubble.tsx";

/** More join/leave notices in a row than this are folded into one line. */
export const NOTICE_FOLD_AT = 3;

function noticeText(notice: Notice): string {
  if (notice.text !== undefined) return notice.text;
  return `${notice.username} ${notice.kind === "joined" ? "joined" : "left"}`;
}

function foldedSummary(notices: readonly Notice[]): string {
  const joined = new Set<string>();
  const left = new Set<string>();
  let moderation = 0;
  for (const n of notices) {
    if (n.kind === "moderation") moderation++;
    else (n.kind === "joined" ? joined : left).add(n.username);
  }
  const people = (count: number) =>
    count === 1 ? "1 person" : `${count} people`;
  const parts = [];
  if (joined.size > 0) parts.push(`${people(joined.size)} joined`);
  if (left.size > 0) parts.push(`${people(left.size)} left`);
  if (moderation > 0) {
    parts.push(`${moderation} moderation action${moderation === 1 ? "" : "s"}`);
  }
  return parts.join(", ");
}

function Notices(props: { notices: readonly Notice[]; timeZone?: string }) {
  const { notices } = props;
  const lastTs = notices.at(-1)!.ts;
  if (notices.length < NOTICE_FOLD_AT) {
    return (
      <li class="notice">
        {notices.map((notice, i) => (
          <span key={notice.key} class={`notice-item notice-${notice.kind}`}>
            {i > 0 && <span aria-hidden="true">·</span>}
            {notice.text !== undefined ? notice.text : (
              <>
                <bdi>{notice.username}</bdi>{" "}
                {notice.kind === "joined" ? "joined" : "left"}
              </>
            )}
          </span>
        ))}
        <Time ts={lastTs} timeZone={props.timeZone} />
      </li>
    );
  }
  return (
    <li class="notice notice-folded">
      <details>
        <summary>
          {foldedSummary(notices)}
          <Time ts={lastTs} timeZone={props.timeZone} />
        </summary>
        <ul class="notice-list">
          {notices.map((notice) => (
            <li key={notice.key}>{noticeText(notice)}</li>
          ))}
        </ul>
      </details>
    </li>
  );
}

function sameNotices(
  a: { notices: readonly Notice[]; timeZone?: string },
  b: { notices: readonly Notice[]; timeZone?: string },
): boolean {
  return a.timeZone === b.timeZone && a.notices.length === b.notices.length &&
    a.notices.every((notice, i) => notice === b.notices[i]);
}

/** A run of join/leave notices, folded when long; renders again only when the run changes. */
export const NoticesRow = memo(Notices, sameNotices);
