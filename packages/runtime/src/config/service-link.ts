import { isIP } from 'node:net';

const PORT_NUMBER = /^\d{1,5}$/;
const URL_LIKE = /^(tcp|udp|sctp):\/\/(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+)):(\d{1,5})$/;

/** `<proto>://<ip>:<port>`, with the protocol and port given when the name fixes them. */
function isLinkUrl(value: string, protocol?: string, port?: string): boolean {
  const match = URL_LIKE.exec(value);
  if (match === null) return false;
  const [, scheme, ipv6, ipv4, number] = match;
  if (protocol !== undefined && scheme !== protocol) return false;
  if (port !== undefined && number !== port) return false;
  return ipv6 !== undefined ? isIP(ipv6) === 6 : isIP(ipv4 ?? '') === 4;
}

interface LinkForm {
  /** The name after the service's prefix; a Service's own name may come first (`METRICS_`). */
  readonly name: RegExp;
  /** Given the name's groups, does the value read as kubelet writes it? */
  readonly value: (value: string, groups: readonly (string | undefined)[]) => boolean;
}

const SERVICE = '^(?:[A-Z0-9_]+_)?';

/** What `<SERVICE>_PORT_<N>_<PROTO>[_PROTO|_PORT|_ADDR]` hold, by suffix. */
const PORT_FIELDS: Readonly<Record<string, (value: string, port: string, protocol: string) => boolean>> = {
  '': (value, port, protocol) => isLinkUrl(value, protocol, port),
  _PROTO: (value, _port, protocol) => value === protocol,
  _PORT: (value, port) => value === port,
  _ADDR: (value) => isIP(value) !== 0,
};

/**
 * The variables Kubernetes gives every pod for each Service of its namespace (service links, on by
 * default), and the values kubelet writes in them:
 *
 * - `<SERVICE>_SERVICE_HOST`: the cluster IP;
 * - `<SERVICE>_SERVICE_PORT` and `<SERVICE>_SERVICE_PORT_<NAME>`: a port number;
 * - `<SERVICE>_PORT` and `<SERVICE>_PORT_<N>_<PROTO>`: `<proto>://<ip>:<port>` (IPv6 in brackets);
 * - `<SERVICE>_PORT_<N>_<PROTO>_PROTO`: `tcp`, `udp` or `sctp`; `…_PORT`: N; `…_ADDR`: the cluster IP.
 *
 * A Service whose name starts like a service's prefix (`corral-admission`, `corral-admission-metrics`
 * → `CORRAL_ADMISSION_`) puts them under that prefix: `rest` is what follows it.
 */
const FORMS: readonly LinkForm[] = [
  { name: new RegExp(`${SERVICE}SERVICE_HOST$`), value: (value) => isIP(value) !== 0 },
  { name: new RegExp(`${SERVICE}SERVICE_PORT(?:_[A-Z0-9_]+)?$`), value: (value) => PORT_NUMBER.test(value) },
  { name: new RegExp(`${SERVICE}PORT$`), value: (value) => isLinkUrl(value) },
  {
    name: new RegExp(`${SERVICE}PORT_(\\d+)_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?$`),
    value: (value, [port = '', protocol = '', field = '']) =>
      PORT_FIELDS[field]?.(value, port, protocol.toLowerCase()) ?? false,
  },
];

/**
 * Given a variable's name after the service's prefix and its value, is it one of the service-link
 * variables above, named and valued as kubelet writes them? A name alone is not enough:
 * `CORRAL_ADMISSION_LISTEN_PORT=9443` is named like the `_PORT` of a Service `corral-admission-listen`,
 * but is a typo of a setting, and must be reported as one. (A name may read as more than one form:
 * `X_SERVICE_PORT` is the `_SERVICE_PORT` of `x` and the `_PORT` of `x-service`; any will do.)
 */
export function isServiceLink(rest: string, value: string): boolean {
  return FORMS.some((form) => {
    const match = form.name.exec(rest);
    return match !== null && form.value(value, match.slice(1));
  });
}
