/**
 * A deterministic measure of work for linear-time tests: characters that the
 * string and regular-expression built-ins read or produce while a function
 * runs. Unlike a stopwatch it does not flake on a busy machine.
 */

/** Characters the string and regular-expression built-ins read or produce while `fn` runs. */
export function charactersTouched(fn: () => void): number {
  let total = 0;
  const strings = String.prototype as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const saved = new Map<string, (...args: unknown[]) => unknown>();
  for (const name of ["normalize", "toLowerCase", "split", "replace"]) {
    const original = strings[name];
    saved.set(name, original);
    strings[name] = function (this: string, ...args: unknown[]) {
      total += this.length;
      return original.apply(this, args);
    };
  }
  const slice = strings.slice;
  saved.set("slice", slice);
  strings.slice = function (this: string, ...args: unknown[]) {
    const result = slice.apply(this, args) as string;
    total += result.length;
    return result;
  };
  const exec = RegExp.prototype.exec;
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    const from = this.lastIndex;
    const match = exec.call(this, input);
    total += match ? match.index + match[0].length - from : 1;
    return match;
  };
  try {
    fn();
  } finally {
    for (const [name, original] of saved) strings[name] = original;
    RegExp.prototype.exec = exec;
  }
  return total;
}
