import { isScalarType, type GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { DateScalar, DateTimeScalar } from '@mp/service-kit';

/** The subgraphs' own scalar implementations (service-kit): one definition of each shape. */
const INPUT_SCALARS: readonly GraphQLScalarType[] = [DateScalar, DateTimeScalar];

/**
 * Teaches the gateway's API schema how the custom scalars read input. Left as the supergraph
 * describes them they accept anything, so a malformed `Date` reached the members subgraph, which
 * refused the whole request with HTTP 400, and the gateway could only call that an internal
 * error. Checking the shape here instead of passing subgraph errors through: a bad value is
 * refused before any subgraph is called or any plan is made, with the variable's or literal's
 * own name and location and the HTTP status Apollo gives every coercion or validation error,
 * and the subgraphs keep their check as a second line. Only input coercion changes: the gateway
 * forwards variables to subgraphs as the client sent them and passes results through.
 *
 * It mutates the schema in place because @apollo/gateway coerces variables against its own
 * schema object, the same one it hands to Apollo Server for validation; run it from
 * `onSchemaLoadOrUpdate`, registered before the server starts.
 */
export function installInputScalars(schema: GraphQLSchema): void {
  for (const implementation of INPUT_SCALARS) {
    const type = schema.getType(implementation.name);
    if (!isScalarType(type)) continue;
    type.parseValue = implementation.parseValue;
    type.parseLiteral = implementation.parseLiteral;
  }
}
