import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { CostDirectives, FieldCostDirectives } from './cost-directives.js';

/** A list whose size nothing states: assumed this long. */
export const DEFAULT_LIST_SIZE = 10;
/** A mutation root field's weight unless `@cost` says otherwise (as Apollo Router's demand control). */
export const DEFAULT_MUTATION_WEIGHT = 10;

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** Coerced variable values. */
  variables: Record<string, unknown>;
  directives: CostDirectives;
}

/**
 * The static cost estimate of an operation per the IBM GraphQL cost specification: each field of
 * an object type weighs 1 (scalars and enums 0) unless `@cost` says otherwise, and a list costs its
 * items' weight times its size: the slicing argument (`first`) when given, else `assumedSize`,
 * else DEFAULT_LIST_SIZE. `sizedFields` apply a connection's size to its `edges`. Every alias
 * counts, and `@skip`/`@include` are ignored: the estimate is an upper bound.
 */
export function estimateCost(input: CostInput): number {
  const { schema, operation, fragments, variables, directives } = input;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const isMutationRoot = (type: GraphQLCompositeType) => type === schema.getMutationType();

  const listSize = (costs: FieldCostDirectives | undefined, args: Record<string, unknown>): number => {
    const sliced = (costs?.slicingArguments ?? []).map((name) => args[name]).filter((value): value is number => typeof value === 'number');
    if (sliced.length > 0) return Math.max(...sliced);
    return costs?.assumedSize ?? DEFAULT_LIST_SIZE;
  };

  const selectionCost = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    sizedChildren: ReadonlyMap<string, number>,
    visiting: ReadonlySet<string>,
  ): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += selectionCost(selection.selectionSet, type, sizedChildren, visiting);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && isCompositeType(type) && !visiting.has(fragment.name.value)) {
          total += selectionCost(fragment.selectionSet, type, sizedChildren, new Set([...visiting, fragment.name.value]));
        }
        continue;
      }
      if (selection.name.value.startsWith('__') || !isObjectType(parent)) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field) continue;
      const costs = directives.get(`${parent.name}.${field.name}`);
      const args = getArgumentValues(field, selection, variables);
      const itemType = getNamedType(field.type);
      const weight = costs?.weight ?? (isMutationRoot(parent) ? DEFAULT_MUTATION_WEIGHT : isCompositeType(itemType) ? 1 : 0);
      const size = sizedChildren.get(field.name) ?? (isListType(getNullableType(field.type)) ? listSize(costs, args) : 1);
      const childSizes = new Map((costs?.sizedFields ?? []).map((name) => [name, listSize(costs, args)]));
      const children =
        selection.selectionSet && isCompositeType(itemType) ? selectionCost(selection.selectionSet, itemType, childSizes, visiting) : 0;
      total += size * (weight + children);
    }
    return total;
  };

  return selectionCost(operation.selectionSet, root, new Map(), new Set());
}
