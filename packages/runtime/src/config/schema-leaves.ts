import { KindGuard, type TObject, type TSchema } from '@sinclair/typebox';

/** One settable option: a non-object node of the service's options schema. */
export interface Leaf {
  /** Dotted path, e.g. `tls.cert`. */
  readonly key: string;
  readonly path: readonly string[];
  readonly schema: TSchema;
}

/** The options schema flattened: settable leaves, and the dotted paths of nested object groups. */
export interface SchemaIndex {
  readonly leaves: ReadonlyMap<string, Leaf>;
  readonly groups: ReadonlySet<string>;
}

/** Given an object schema, returns its leaves (arrays count as leaves) and nested groups. */
export function indexSchema(schema: TObject): SchemaIndex {
  const leaves = new Map<string, Leaf>();
  const groups = new Set<string>();
  const visit = (node: TObject, prefix: readonly string[]): void => {
    for (const [name, child] of Object.entries(node.properties)) {
      const path = [...prefix, name];
      const key = path.join('.');
      if (KindGuard.IsObject(child)) {
        groups.add(key);
        visit(child, path);
      } else {
        leaves.set(key, { key, path, schema: child });
      }
    }
  };
  visit(schema, []);
  return { leaves, groups };
}

/** Given a leaf path, returns the environment variable naming it: `tls.certFile` → `PREFIX_TLS_CERT_FILE`. */
export function envNameOf(prefix: string, path: readonly string[]): string {
  return prefix + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}
