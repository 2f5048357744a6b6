import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Marks a plugin as shared (fastify-plugin): its hooks and decorators apply to the parent context,
 * i.e. to every route registered after it, instead of being sealed inside its own context.
 */
export function sharedPlugin<Options extends object>(
  plugin: FastifyPluginAsync<Options>,
  name: string,
): FastifyPluginAsync<Options> {
  return fp(plugin, { name, fastify: '5.x' });
}
