import type { StructuralLimits } from './structural-limits.js';

/** How much one operation may ask for; each over-limit refusal has its own error code. */
export interface OperationLimits extends StructuralLimits {
  maxTokens: number;
  maxRootFields: number;
  /** The IBM-cost-spec estimate an operation may reach (`@cost`/`@listSize` in the subgraph schemas). */
  maxCost: number;
}

/** Roomy for every operation the clients in this repository send, small enough to bound the work of one request. */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 50,
  maxTokens: 2_000,
  maxRootFields: 20,
  maxCost: 5_000,
};
