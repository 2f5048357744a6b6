import type { PolicyProblem } from '@corral/policy';
import type { WatchedKind } from '../sink.js';

const MAX_UNNAMED = 100;

/**
 * Problems of objects the snapshot could not read, by kind and key; an object's problems go when a
 * good version arrives or the object goes. Objects without a name cannot be tracked by key: the
 * last MAX_UNNAMED of them are kept per kind, until that kind's next full list.
 */
export class ProblemBook {
  private readonly byObject = new Map<WatchedKind, Map<string, PolicyProblem[]>>();
  private readonly unnamed = new Map<WatchedKind, PolicyProblem[]>();

  set(kind: WatchedKind, key: string, problems: PolicyProblem[]): void {
    const map = this.byObject.get(kind) ?? new Map<string, PolicyProblem[]>();
    this.byObject.set(kind, map.set(key, problems));
  }

  clear(kind: WatchedKind, key: string): void {
    this.byObject.get(kind)?.delete(key);
  }

  addUnnamed(kind: WatchedKind, problem: PolicyProblem): void {
    const list = this.unnamed.get(kind) ?? [];
    list.push(problem);
    this.unnamed.set(kind, list.slice(-MAX_UNNAMED));
  }

  /** A full list of `kind` arrived: forget unnamed problems and those of objects not in it. */
  resetKind(kind: WatchedKind, keep: ReadonlySet<string>): void {
    this.forgetUnnamed(kind);
    this.keepOnly(kind, keep);
  }

  /** A new full list of `kind` starts: the unnamed objects of the last one are gone. */
  forgetUnnamed(kind: WatchedKind): void {
    this.unnamed.delete(kind);
  }

  /** Forgets the problems of the objects of `kind` not in `keep`. */
  keepOnly(kind: WatchedKind, keep: ReadonlySet<string>): void {
    const map = this.byObject.get(kind);
    for (const key of map?.keys() ?? []) {
      if (!keep.has(key)) map?.delete(key);
    }
  }

  all(): PolicyProblem[] {
    const named = [...this.byObject.values()].flatMap((map) => [...map.values()].flat());
    return [...[...this.unnamed.values()].flat(), ...named];
  }
}
