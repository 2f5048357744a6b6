import type { ConfigurationOptions, Observable, ObservableMiddleware } from '@kubernetes/client-node';

/**
 * Options for one @kubernetes/client-node call that abort its HTTP request when `signal` aborts:
 * client-node's fetch takes the request context's signal, and a middleware is how a call sets it.
 * `observable` is client-node's Observable class, passed in so that this module loads client-node
 * only where its caller already has.
 */
export function abortableCall(
  signal: AbortSignal,
  observable: typeof Observable,
): ConfigurationOptions<ObservableMiddleware> {
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(signal);
          return new observable(Promise.resolve(context));
        },
        post: (context) => new observable(Promise.resolve(context)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
