export * from './lang/index.js';
