export * from './tracing-env.js';
export * from './start-tracing.js';
export * from './trace-context.js';
export * from './server-spans.js';
export * from './batch-spans.js';
export { KeepFailedTraces } from './keep-failed-traces.js';
export * from './graphql-span-attributes.js';
export { RecordUnsampled, samplerFromEnv } from './sampler.js';
export * from './context-manager.js';
