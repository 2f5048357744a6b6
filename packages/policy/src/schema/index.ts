export * from './common.js';
export * from './department.js';
export * from './namespace-policy.js';
