// Prisma's migration engine, compiled to Wasm, driven through a driver adapter factory.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { isSessionAware } from './session.js';

export type { SchemaEngine };

// Node has WebAssembly at run time, but lib ES2023 and @types/node 20 do not declare it.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
};

interface PanicRegistry {
  set_message(message: string): void;
}
const panicHolder = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };

let loaded: Promise<void> | undefined;

function isFunction(value: unknown): value is (...args: unknown[]) => unknown {
  return typeof value === 'function';
}

/**
 * The engine races its operations against timers it never clears (e.g. a 10 s lock timeout):
 * unref them so a finished migration does not keep the process alive for 10 s.
 */
function withUnrefTimers(imports: Record<string, unknown>): Record<string, unknown> {
  for (const [name, original] of Object.entries(imports)) {
    if (!name.startsWith('__wbg_setTimeout_') || !isFunction(original)) continue;
    imports[name] = (...args: unknown[]): unknown => {
      const timer: unknown = original(...args);
      if (typeof timer === 'object' && timer !== null && 'unref' in timer && isFunction(timer.unref)) {
        timer.unref.call(timer);
      }
      return timer;
    };
  }
  return imports;
}

/**
 * The package targets bundlers (`import './x.wasm'`), which Node 20 cannot load; Node 24 can, but
 * then its timer imports cannot be unref'd. Instantiate the Wasm ourselves with the generated JS
 * glue as (wrapped) imports, once per module registry.
 */
function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      './schema_engine_bg.js': withUnrefTimers({ ...bg }),
    });
    bg.__wbg_set_wasm(instance.exports);
    const start = instance.exports['__wbindgen_start'];
    if (!isFunction(start)) throw new Error('schema engine Wasm has no __wbindgen_start export');
    start();
    // The glue reports Rust panics here; without it a panic surfaces as an unrelated TypeError.
    panicHolder.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        console.error(`prisma schema engine panicked: ${message}`);
      },
    };
  })();
  return loaded;
}

export interface SchemaFile {
  path: string;
  content: string;
}

/**
 * Runs `work` with a fresh engine bound to `factory`, then frees the engine and disposes the
 * connections it opened (the engine does not dispose its main connection itself).
 */
export async function withSchemaEngine<T>(
  schema: SchemaFile,
  factory: SqlMigrationAwareDriverAdapterFactory,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadWasm();
  const opened: SqlDriverAdapter[] = [];
  const engineFactory: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = isSessionAware(factory) ? await factory.connectSession() : await factory.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
  const onLog = (line: unknown): void => {
    if (process.env['PRISMA_SCHEMA_ENGINE_LOG']) console.error(`[schema-engine] ${String(line)}`);
  };
  try {
    const engine = await bg.SchemaEngine.new(
      { datamodels: [[schema.path, schema.content]] },
      onLog,
      bindMigrationAwareSqlAdapterFactory(engineFactory),
    );
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  } finally {
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}
