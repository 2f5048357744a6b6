export * from './registry-prefix.js';
