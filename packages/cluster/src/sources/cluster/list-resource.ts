import {
  createConfiguration,
  HttpMethod,
  type KubeConfig,
  ServerConfiguration,
} from '@kubernetes/client-node';
import { type DecodedList, decodeList, statusMessage } from './decode.js';
import { ClusterSourceError } from './errors.js';
import type { ResourceDescriptor } from './resources.js';
import { parseRetryAfter } from './retry-policy.js';

/** One page of a LIST: at most `limit` objects, after the page whose `continue` token is given. */
export interface ListPage {
  readonly limit: number;
  readonly continue?: string;
}

/** LISTs one resource across all namespaces (one page of it when `page` is set); aborts with `signal`. */
export type ListFn = (
  resource: ResourceDescriptor,
  signal: AbortSignal,
  page?: ListPage,
) => Promise<DecodedList>;

/**
 * Builds a LIST function on client-node's own HTTP layer: its server configuration, its fetch
 * library and the KubeConfig as authentication (TLS, tokens, exec plugins, proxies), exactly as
 * `KubeConfig.makeApiClient` wires the typed API clients. The typed clients are not used because
 * their deserializer turns objects into model classes, drops every field the model does not know
 * and turns timestamps into Dates; this keeps the API server's JSON as it is, for core kinds and
 * CRDs alike.
 */
export function makeListFn(kubeConfig: KubeConfig): ListFn {
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new Error('the kubeconfig has no current cluster');
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
  });

  return async (resource, signal, page) => {
    const context = configuration.baseServer.makeRequestContext(resource.path, HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    if (page) context.setQueryParam('limit', String(page.limit));
    if (page?.continue !== undefined) context.setQueryParam('continue', page.continue);
    context.setSignal(signal);
    await configuration.authMethods.default?.applySecurityAuthentication(context);
    let status: number;
    let text: string;
    let retryAfter: string | undefined;
    try {
      const response = await configuration.httpApi.send(context).toPromise();
      status = response.httpStatusCode;
      retryAfter = response.headers['retry-after'];
      text = await response.body.text();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ClusterSourceError(
        'CLUSTER_ERR_LIST_FAILED',
        `LIST ${resource.path}: ${message}`,
        undefined,
        {
          cause: err,
        },
      );
    }
    if (status !== 200) {
      const reason = statusMessage(text) ?? `HTTP ${status}`;
      const retryAfterMs = parseRetryAfter(retryAfter, Date.now());
      throw new ClusterSourceError(
        'CLUSTER_ERR_LIST_FAILED',
        `LIST ${resource.path}: ${reason}`,
        status,
        retryAfterMs === undefined ? undefined : { retryAfterMs },
      );
    }
    return decodeList(JSON.parse(text), resource);
  };
}
