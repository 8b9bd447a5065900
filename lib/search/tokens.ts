/** Words of a text as search compares them: without case or accents. */

/** Most words of a query that count; the rest are ignored. */
export const MAX_QUERY_WORDS = 8;

const MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;
const ASCII_WORD = /[a-z0-9]+/g;
const ASCII = /^[^\u0080-\uffff]*$/;

/** Lower-case letters and digits without accents: `Café!` → `cafe`. */
export function fold(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize("NFKD").replace(MARKS, "").toLowerCase();
}

/** The distinct folded words of `text`, in the order they first appear. */
export function searchTokens(text: string): string[] {
  const folded = fold(text);
  const words = folded.match(ASCII.test(folded) ? ASCII_WORD : WORD);
  return words ? [...new Set(words)] : [];
}

/** The words of a query, at most {@linkcode MAX_QUERY_WORDS}. */
export function queryWords(query: string): string[] {
  return searchTokens(query).slice(0, MAX_QUERY_WORDS);
}
