import { getVariableValues, Kind, type FragmentDefinitionNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.js';
import type { CostDirectives } from './cost/cost-directives.js';
import { estimateCost } from './cost/estimate-cost.js';
import { admitMutation, rootFieldNames } from './mutation-limits.js';
import { OperationLimitError } from './operation-limit-error.js';
import type { RateLimits } from './rate-limits.js';

export interface AdmissionOptions {
  maxRootFields: number;
  maxCost: number;
  costDirectives: CostDirectives;
  rateLimits: RateLimits;
}

/**
 * Decides, once the operation is known and before anything is planned or fetched, whether it may
 * run: root fields, estimated cost, then the caller's mutation budgets. In this order, and in one
 * hook, so a refusal always names the first reason.
 */
export function operationAdmission(options: AdmissionOptions): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        async didResolveOperation({ operation, document, schema, request, contextValue }) {
          if (!operation) return;
          const rootFields = rootFieldNames(operation, document);
          if (rootFields.length > options.maxRootFields) {
            throw new OperationLimitError(
              'MAX_ROOT_FIELDS_EXCEEDED',
              `Root field limit of ${options.maxRootFields} exceeded, found ${rootFields.length}.`,
            );
          }
          const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
          // Variables that do not coerce are refused by execution with a clear error; nothing to estimate.
          if (variables.coerced) {
            const fragments = new Map(
              document.definitions
                .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
                .map((fragment) => [fragment.name.value, fragment]),
            );
            const estimated = estimateCost({
              schema,
              operation,
              fragments,
              variables: variables.coerced,
              directives: options.costDirectives,
            });
            if (estimated > options.maxCost) {
              throw new OperationLimitError(
                'COST_ESTIMATED_TOO_EXPENSIVE',
                `This operation's estimated cost ${estimated} is over the maximum of ${options.maxCost}: ask for fewer items (smaller \`first\`) or fewer fields.`,
                { cost: { estimated, max: options.maxCost } },
              );
            }
          }
          await admitMutation(options.rateLimits, operation, rootFields, contextValue);
        },
      }),
  };
}
