// The KubeSchedulerConfiguration that each install gives kube-scheduler, held to the extender it calls:
// the URL reaches the extender's Service and port, every verb is one of its routes, bindVerb is set
// exactly when the extender binds (--bind, with the bind RBAC), and kube-scheduler waits longer for a
// bind than the extender's own API calls for it may take.
import { join, resolve } from 'node:path';
import { DEFAULT_BIND_CALL_TIMEOUT_MS } from '../../plugins/scheduler-extender/src/effects/bind-pod.js';
import { loadExtenderConfig } from '../../plugins/scheduler-extender/src/index.js';
import { type KubeObject, parseYamlDocuments, renderKustomization } from './kustomize.js';
import { rightsOf } from './rbac.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The routes the extender serves: POST /scheduler/<verb> (transport/routes.ts). */
const SERVED_VERBS = ['filter', 'prioritize', 'preempt', 'bind'];

interface ExtenderStanza {
  urlPrefix: string;
  filterVerb?: string;
  prioritizeVerb?: string;
  preemptVerb?: string;
  bindVerb?: string;
  httpTimeout?: string;
  enableHTTPS?: boolean;
}
interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
}

function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind} ${name} is missing`);
  return found;
}

/** A Go duration of milliseconds, seconds or minutes (`500ms`, `5s`, `1m`) in milliseconds. */
function milliseconds(duration: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!match) throw new Error(`unreadable duration ${duration}`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

describe.each(['deploy/default', 'deploy/overlays/second-scheduler'])(
  '%s: the extender stanza of kube-scheduler',
  (dir) => {
    const objects = renderKustomization(join(ROOT, dir));
    const data = find(objects, 'ConfigMap', 'corral-scheduler-config')['data'] as Record<string, string>;
    const [config] = parseYamlDocuments(data['scheduler-config.yaml'] ?? '', 'scheduler-config.yaml') as {
      apiVersion: string;
      extenders?: ExtenderStanza[];
    }[];
    const extenders = config?.extenders ?? [];
    const container = (
      find(objects, 'Deployment', 'corral-extender')['spec'] as {
        template: { spec: { containers: Container[] } };
      }
    ).template.spec.containers.find((c) => c.name === 'extender');
    if (!container) throw new Error('no extender container');
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? '']));
    const extender = loadExtenderConfig((container.args ?? []).slice(1), env);

    it('given the config, is kubescheduler.config.k8s.io/v1 with one extender', () => {
      expect(config?.apiVersion).toBe('kubescheduler.config.k8s.io/v1');
      expect(extenders).toHaveLength(1);
    });

    it.each(extenders)(
      'given urlPrefix $urlPrefix, reaches the Service and port the extender serves',
      (stanza) => {
        const url = new URL(stanza.urlPrefix);
        const [service, namespace] = url.hostname.split('.');
        const spec = find(objects, 'Service', service ?? '')['spec'] as {
          ports: { port: number; targetPort: string | number }[];
        };
        const port = spec.ports.find((p) => p.port === Number(url.port));
        const target =
          typeof port?.targetPort === 'number'
            ? port.targetPort
            : container.ports?.find((p) => p.name === port?.targetPort)?.containerPort;
        expect({
          namespace,
          scheme: url.protocol,
          path: url.pathname,
          target,
        }).toEqual({
          namespace: 'corral-system',
          scheme: stanza.enableHTTPS === true ? 'https:' : 'http:',
          path: '/scheduler',
          target: Number(extender.listen.split(':').pop()),
        });
      },
    );

    it.each(extenders)('given its verbs, each is a route the extender serves', (stanza) => {
      const verbs = [stanza.filterVerb, stanza.prioritizeVerb, stanza.preemptVerb, stanza.bindVerb];
      expect(verbs.filter((v) => v !== undefined && !SERVED_VERBS.includes(v))).toEqual([]);
    });

    it.each(extenders)('given bindVerb, the extender binds exactly then, with the right to', (stanza) => {
      const rights = rightsOf(objects, 'corral-system', 'corral-extender').permissions;
      expect({
        bindVerb: stanza.bindVerb !== undefined,
        extenderBinds: extender.bind,
        mayBind: rights.has('cluster core pods/binding create'),
      }).toEqual({ bindVerb: extender.bind, extenderBinds: extender.bind, mayBind: extender.bind });
    });

    it.each(extenders)("given httpTimeout, kube-scheduler outwaits the extender's bind calls", (stanza) => {
      // kube-scheduler's default extender timeout is 30 s when httpTimeout is unset.
      const waits = stanza.httpTimeout === undefined ? 30_000 : milliseconds(stanza.httpTimeout);
      expect(waits).toBeGreaterThan(DEFAULT_BIND_CALL_TIMEOUT_MS);
    });
  },
);
