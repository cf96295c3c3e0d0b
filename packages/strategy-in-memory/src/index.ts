export { inMemoryM3uStrategy, inMemoryContract, inMemoryStrategy } from './in-memory-strategy.js';
