export { startFakeApiServer } from './server.js';
export type { ExtraHandler, FailOptions, FakeApiServer, ObjectRef } from './server.js';
export type { GoneStyle } from './handlers.js';
export type { KubeObject } from './object-store.js';
export type { RecordedRequest, RequestFilter } from './request-log.js';
export { RESOURCE_TYPES, type ResourceType } from './resources.js';
export { fakeKubeConfig } from './kubeconfig.js';
