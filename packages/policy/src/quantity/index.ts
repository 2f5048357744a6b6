export * from './quantity.js';
export { formatQuantity } from './format.js';
