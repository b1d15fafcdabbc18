import {
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { GatewayContext } from '../context.js';
import { RateLimitedError, TooManyMutationFieldsError } from './rate-limit-errors.js';
import { callerKey, type RateLimits } from './rate-limits.js';

const SIGN_UP_FIELD = 'createMember';

/** The root field names an operation selects, through fragments; `__typename` costs nothing. */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const names: string[] = [];
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') names.push(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        // Validation has already refused unknown and cyclic fragments; `seen` keeps this safe anyway.
        if (fragment && !seen.has(fragment.name.value)) visit(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return names;
}

/**
 * Mutations are charged per root field, not per request (700 aliased sign-ups in one request are
 * 700 sign-ups), and one operation may carry only a few of them.
 */
export async function admitMutation(
  limits: RateLimits,
  operation: OperationDefinitionNode,
  rootFields: readonly string[],
  context: GatewayContext,
): Promise<void> {
  if (operation.operation !== OperationTypeNode.MUTATION) return;
  const { maxMutationFields } = limits.options;
  if (rootFields.length > maxMutationFields) throw new TooManyMutationFieldsError(rootFields.length, maxMutationFields);
  const key = callerKey(context.identity, context.clientAddress);
  const signUps = rootFields.filter((name) => name === SIGN_UP_FIELD).length;
  const refusal =
    (await limits.charge('mutations', key, rootFields.length)) ?? (signUps > 0 ? await limits.charge('signUps', key, signUps) : null);
  if (refusal) throw new RateLimitedError(refusal);
}
