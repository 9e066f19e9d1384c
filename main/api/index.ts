export * from './contract.js';
export * from './parse.js';
export * from './client.js';
