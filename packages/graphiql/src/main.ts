// The GraphiQL explorer, bundled by Vite with everything it loads (React, Monaco and its workers,
// the toolkit): the page works with no network beyond the gateway serving it.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createElement, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { EXAMPLE_OPERATION } from './example-operation.js';

// Relative to the page, so the gateway can be mounted under any path prefix.
const endpoint = new URL('../graphql', window.location.href).href;
const container = document.getElementById('graphiql');
if (!container) throw new Error('#graphiql container missing from index.html');

createRoot(container).render(
  createElement(
    StrictMode,
    null,
    createElement(GraphiQL, {
      fetcher: createGraphiQLFetcher({ url: endpoint }),
      defaultQuery: EXAMPLE_OPERATION,
      // A token pasted into the Headers tab ({"Authorization": "Bearer ..."}) survives reloads.
      shouldPersistHeaders: true,
      // Open on the schema's documentation so the API explains itself.
      visiblePlugin: 'Documentation Explorer',
    }),
  ),
);
