export * from './nickname-changed.js';
