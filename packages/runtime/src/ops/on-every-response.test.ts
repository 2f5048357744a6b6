import { fastify } from 'fastify';
import { onEveryResponse, UNMATCHED_ROUTE } from './on-every-response.js';

function appSeeing() {
  const seen: string[] = [];
  const app = fastify();
  onEveryResponse(
    app,
    (route) => (request, reply) => seen.push(`${route} ${request.method} ${reply.statusCode}`),
  );
  return { app, seen };
}

describe('onEveryResponse', () => {
  it('given routes, a prefixed child plugin and an unknown URL, observes each once under its pattern', async () => {
    const { app, seen } = appSeeing();
    app.get('/items/:id', async () => 'ok');
    await app.register(async (child) => child.post('/mutate', async () => 'ok'), { prefix: '/hooks' });
    await app.inject({ method: 'GET', url: '/items/7' });
    await app.inject({ method: 'POST', url: '/hooks/mutate' });
    await app.inject({ method: 'GET', url: '/nope' });
    await app.inject({ method: 'HEAD', url: '/items/8' });
    expect(seen).toEqual([
      '/items/:id GET 200',
      '/hooks/mutate POST 200',
      `${UNMATCHED_ROUTE} GET 404`,
      '/items/:id HEAD 200',
    ]);
  });

  it('given a route with onResponse hooks of its own, keeps them and runs them too', async () => {
    const { app, seen } = appSeeing();
    const own: string[] = [];
    app.get('/own', { onResponse: (_request, _reply, done) => (own.push('own'), done()) }, async () => 'ok');
    await app.inject({ method: 'GET', url: '/own' });
    expect(own).toEqual(['own']);
    expect(seen).toEqual(['/own GET 200']);
  });
});
