import { EXIT_OK, type CliIo } from '../io.js';

export const USAGE = `Usage: corral <command> [flags]

Services:
  extender    kube-scheduler extender       --policies PATH | --kubeconfig PATH, --listen HOST:PORT
  admission   admission webhooks (HTTPS)    --policies PATH | --kubeconfig PATH, --listen, --tls-cert, --tls-key
  csi         CSI driver for Ceph RBD       --role controller|node, --endpoint unix:///path.sock,
                                            --cluster-config PATH, --node-id NAME (node role),
                                            --ceph-conf PATH, --keyring PATH

Offline tools:
  check -f MANIFESTS --policies PATH   what admission would do to each object (exit 1 on a denial);
                                       -n NS for objects without a namespace; -f - reads stdin
  explain POD.yaml --policies PATH     node by node, whether and why a pod (or a workload's pod
                                       template) may run there; POD.yaml - reads stdin

Demo (what \`make demo\` runs):
  demo [--policies PATH] [--manifests PATH] [--no-ceph | --offline]
                                       the services running for real on the example cluster, driven
                                       as Kubernetes drives them; --no-ceph skips storage, --offline
                                       starts nothing and runs the decisions in-process

  help [COMMAND]                       this text; \`corral help <command>\` (or \`corral <command>
                                       --help\`) for a command's flags (for a service: every flag,
                                       its default and its env variable)
  --version                            the version of corral

Exit codes: 0 ok, 1 a finding (a denial) or a service that failed (could not start, or stop cleanly),
2 bad usage or input, or an unexpected failure.
`;

export async function help(_args: readonly string[], io: CliIo): Promise<number> {
  io.stdout(USAGE);
  return EXIT_OK;
}
