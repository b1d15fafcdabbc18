import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for this client, generated from the API schema the gateway build commits
// (no federation internals), exactly as a client team would from a published schema file.
const config: CodegenConfig = {
  schema: '../../gateway/api-schema.graphql',
  documents: ['src/**/*.ts', '!src/generated/**'],
  ignoreNoDocuments: false,
  // ESM with NodeNext resolution: generated imports need their .js extensions.
  emitLegacyCommonJSImports: false,
  generates: {
    'src/generated/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // persisted-documents.json: operation hash -> text, for the gateway's trusted documents.
        // sha256 is the hash Apollo's APQ uses, so one id works for both.
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      config: {
        // Strings, not ASTs: the client posts them as they are and needs no GraphQL runtime.
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Date: 'string', DateTime: 'string' },
      },
    },
  },
};

export default config;
