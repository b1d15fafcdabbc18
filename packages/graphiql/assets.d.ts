/** The built GraphiQL app (index.html, scripts, styles, Monaco workers), written by `vite build`. */
export declare const graphiqlAssetsDir: string;
