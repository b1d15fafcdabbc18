import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

export interface SchemaChangeReport {
  breaking: string[];
  dangerous: string[];
  safe: string[];
}

/** Classifies every change from `baseSdl` to `nextSdl` as a client would feel it. */
export async function compareApiSchemas(baseSdl: string, nextSdl: string): Promise<SchemaChangeReport> {
  const changes = await diff(buildSchema(baseSdl), buildSchema(nextSdl));
  const messages = (level: CriticalityLevel) =>
    changes
      .filter((change) => change.criticality.level === level)
      .map((change) => (change.path ? `${change.path}: ${change.message}` : change.message));
  return {
    breaking: messages(CriticalityLevel.Breaking),
    dangerous: messages(CriticalityLevel.Dangerous),
    safe: messages(CriticalityLevel.NonBreaking),
  };
}
