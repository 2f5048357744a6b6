import { KubeConfig } from '@kubernetes/client-node';

/**
 * A kubeconfig for the fake API server: plain HTTP (client-node requires `skipTLSVerify` for an
 * `http:` server) and a bearer-token user, so tests can check the token is sent and never logged.
 */
export function fakeKubeConfig(server: string, token: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'fake-user', token }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake-user' }],
    currentContext: 'fake',
  });
  return kubeConfig;
}
