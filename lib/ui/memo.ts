/** `memo` for rows of long lists, without pulling `preact/compat` into the bundle. */

import { Component, type ComponentType, type FunctionComponent } from "preact";

function shallowEqual(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const key in x) if (x[key] !== y[key]) return false;
  for (const key in y) if (!(key in x)) return false;
  return true;
}

/** A component that renders again only when `same(previous, next)` is false (shallow equality by default). */
export function memo<P extends object>(
  render: FunctionComponent<P>,
  same: (previous: P, next: P) => boolean = shallowEqual,
): ComponentType<P> {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      return !same(this.props, next);
    }
    override render(props: P) {
      return render(props);
    }
  }
  (Memo as { displayName?: string }).displayName = render.name;
  return Memo;
}
