import type { ValidationContext, ValidationRule } from 'graphql';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { OperationLimitError, type OperationLimitCode } from './operation-limit-error.js';

export interface StructuralLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
}

// graphql-armor words its refusals as syntax errors; they are limits, and say so.
const reject = (code: OperationLimitCode) => [
  (context: ValidationContext | null, error: Error) =>
    context?.reportError(new OperationLimitError(code, error.message.replace(/^Syntax Error: /, ''))),
];

/** graphql-armor's depth, alias and directive counts as validation rules, each refusal with its own code. */
export function structuralLimitRules(limits: StructuralLimits): ValidationRule[] {
  const options = { exposeLimits: true, propagateOnRejection: false } as const;
  return [
    maxDepthRule({ ...options, n: limits.maxDepth, ignoreIntrospection: true, onReject: reject('MAX_DEPTH_EXCEEDED') }),
    maxAliasesRule({ ...options, n: limits.maxAliases, onReject: reject('MAX_ALIASES_EXCEEDED') }),
    maxDirectivesRule({ ...options, n: limits.maxDirectives, onReject: reject('MAX_DIRECTIVES_EXCEEDED') }),
  ] as ValidationRule[];
}
