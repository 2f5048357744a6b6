import type { Validated } from '@corral/policy';
import type { WatchedKind } from '../sink.js';
import { toNamespaceView, type NamespaceView } from './namespace-view.js';
import { toNodeView, type NodeView } from './node-view.js';
import { toPodView, type PodView } from './pod-view.js';
import { toPvcView, type PvcView } from './pvc-view.js';
import type { ViewOptions } from './view-options.js';

/** Kinds held as compact views; Department and NamespacePolicy are held as validated objects. */
export type CoreKind = Exclude<WatchedKind, 'Department' | 'NamespacePolicy'>;

export type KindView =
  | { readonly kind: 'Node'; readonly view: NodeView }
  | { readonly kind: 'Namespace'; readonly view: NamespaceView }
  | { readonly kind: 'Pod'; readonly view: PodView }
  | { readonly kind: 'PersistentVolumeClaim'; readonly view: PvcView };

export function isCoreKind(kind: WatchedKind): kind is CoreKind {
  return kind !== 'Department' && kind !== 'NamespacePolicy';
}

/** Converts a raw object of a core kind to its view, or the problems that prevent it. */
export function toView(
  kind: CoreKind,
  item: unknown,
  origin: string,
  options: ViewOptions,
): Validated<KindView> {
  switch (kind) {
    case 'Node':
      return tag(kind, toNodeView(item, origin, options));
    case 'Namespace':
      return tag(kind, toNamespaceView(item, origin));
    case 'Pod':
      return tag(kind, toPodView(item, origin, options));
    case 'PersistentVolumeClaim':
      return tag(kind, toPvcView(item, origin));
  }
}

function tag<K extends KindView['kind'], V>(kind: K, result: Validated<V>): Validated<KindView> {
  return result.ok ? { ok: true, value: { kind, view: result.value } as KindView } : result;
}
