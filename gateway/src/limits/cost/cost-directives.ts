import { Kind, parse, valueFromASTUntyped, type ConstDirectiveNode, type FieldDefinitionNode } from 'graphql';

/** What the IBM cost spec's `@cost` and `@listSize` say about one field. */
export interface FieldCostDirectives {
  weight?: number;
  assumedSize?: number;
  slicingArguments: string[];
  sizedFields: string[];
}

/** Per `Type.field` coordinate, from the composed supergraph (the API schema drops the directives). */
export type CostDirectives = ReadonlyMap<string, FieldCostDirectives>;

const argument = (directive: ConstDirectiveNode, name: string): unknown => {
  const value = directive.arguments?.find((arg) => arg.name.value === name)?.value;
  return value === undefined ? undefined : valueFromASTUntyped(value);
};

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

function fieldDirectives(field: FieldDefinitionNode): FieldCostDirectives | null {
  const cost = field.directives?.find((directive) => directive.name.value === 'cost');
  const listSize = field.directives?.find((directive) => directive.name.value === 'listSize');
  if (!cost && !listSize) return null;
  const weight = cost ? argument(cost, 'weight') : undefined;
  const assumedSize = listSize ? argument(listSize, 'assumedSize') : undefined;
  return {
    ...(typeof weight === 'number' ? { weight } : {}),
    ...(typeof assumedSize === 'number' ? { assumedSize } : {}),
    slicingArguments: listSize ? strings(argument(listSize, 'slicingArguments')) : [],
    sizedFields: listSize ? strings(argument(listSize, 'sizedFields')) : [],
  };
}

/** Reads every field's `@cost`/`@listSize` from supergraph SDL, as composition carried them over from the subgraphs. */
export function readCostDirectives(supergraphSdl: string): CostDirectives {
  const directives = new Map<string, FieldCostDirectives>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const found = fieldDirectives(field);
      if (found) directives.set(`${definition.name.value}.${field.name.value}`, found);
    }
  }
  return directives;
}
