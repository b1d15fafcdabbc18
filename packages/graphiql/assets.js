import { fileURLToPath } from 'node:url';

/** The built GraphiQL app (index.html, scripts, styles, Monaco workers), written by `vite build`. */
export const graphiqlAssetsDir = fileURLToPath(new URL('./dist/', import.meta.url));
