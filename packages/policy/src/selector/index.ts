export * from './label-selector.js';
export * from './department-selector.js';
