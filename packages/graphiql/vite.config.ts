import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the gateway serves the folder at /graphiql/ (or behind any prefix).
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Monaco is large by nature; the page is a developer tool loaded once, not a storefront.
    chunkSizeWarningLimit: 6_000,
    rollupOptions: {
      onwarn(warning, warn) {
        // "use client" / "use no memo" are React Server Components and compiler hints: meaningless
        // in a client-only bundle, and dozens of them would bury real warnings.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
