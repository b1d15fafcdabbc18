import { z } from 'zod';
import {
  loadEnv,
  logLevelSchema,
  portSchema,
  positiveIntSchema,
  secretSchema,
  tracingEnvShape,
  shutdownDelaySchema,
  subgraphCacheNameSchema,
} from '@mp/service-kit';
import { SUBGRAPHS, type SubgraphUrlVariable } from './subgraphs.js';
import { DEFAULT_OPERATION_LIMITS } from './limits/operation-limits.js';
import {
  DEFAULT_BULKHEAD,
  DEFAULT_MAX_SUBGRAPH_RESPONSE_BYTES,
  DEFAULT_QUERY_RETRIES,
  DEFAULT_REQUEST_DEADLINE_MS,
  PUBLIC_CONNECTION_LIMITS,
} from './public-http.js';

/** MEMBERS_URL, NICKNAME_HISTORY_URL, ...: where each subgraph is routed. */
const subgraphUrlSchemas = Object.fromEntries(
  SUBGRAPHS.map((subgraph) => [subgraph.urlVariable, z.url().default(subgraph.defaultUrl)]),
) as Record<SubgraphUrlVariable, z.ZodDefault<z.ZodURL>>;

/** `points/seconds`, e.g. `600/60`: at most 600 per 60-second window. */
const budgetSchema = z
  .string()
  .regex(/^\d+\/\d+$/, 'expected points/seconds, e.g. 600/60')
  .transform((value) => {
    const [points, seconds] = value.split('/').map(Number) as [number, number];
    return { points, seconds };
  })
  .refine(({ points, seconds }) => points > 0 && seconds > 0, 'points and seconds must be positive');

const AUTH_VARIABLES = ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL'] as const;

/** `true`/`false` (also 1/0, yes/no, on/off); unset means "derive from NODE_ENV". */
const flagSchema = z.stringbool().optional();

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: portSchema.default(4000),
    HOST: z.string().default('127.0.0.1'),
    /** Several gateway processes on one PORT, the kernel spreading connections among them (SO_REUSEPORT). */
    REUSE_PORT: z.stringbool().default(false),
    LOG_LEVEL: logLevelSchema.default('info'),
    SHUTDOWN_DELAY_MS: shutdownDelaySchema,
    /** Prometheus `/metrics` on this port (HOST's address), apart from the public one; unset: not served. */
    METRICS_PORT: portSchema.optional(),
    ...subgraphUrlSchemas,
    /** Sent with every subgraph request; subgraphs answer nobody else. */
    GATEWAY_SECRET: secretSchema,
    /** A slow subgraph fails its part of the response instead of holding the whole request. */
    SUBGRAPH_TIMEOUT_MS: positiveIntSchema.default(5_000),
    /** The largest answer the gateway takes from one subgraph fetch. */
    MAX_SUBGRAPH_RESPONSE_BYTES: positiveIntSchema.default(DEFAULT_MAX_SUBGRAPH_RESPONSE_BYTES),
    /** Fetches in flight to one subgraph at once (its bulkhead); a hanging subgraph holds no more than these. */
    SUBGRAPH_MAX_CONCURRENT_FETCHES: positiveIntSchema.default(DEFAULT_BULKHEAD.maxConcurrent),
    /** Fetches waiting for a place in a subgraph's bulkhead; beyond them a fetch is refused at once. */
    SUBGRAPH_MAX_QUEUED_FETCHES: z.coerce.number().int().min(0).default(DEFAULT_BULKHEAD.maxQueued),
    /** Retries of a subgraph query after a connection failure or a 502/503 answer (never a mutation). */
    SUBGRAPH_QUERY_RETRIES: z.coerce.number().int().min(0).max(5).default(DEFAULT_QUERY_RETRIES),
    /** Cache subgraph query answers (what each subgraph marks cacheable), invalidated by the subgraphs' writes. */
    SUBGRAPH_CACHE: z.stringbool().default(true),
    /** The longest an answer is kept, whatever max-age its subgraph gives (2 s at most without REDIS_URL). */
    SUBGRAPH_CACHE_MAX_TTL_MS: positiveIntSchema.default(300_000),
    /** This replica's own tier: entries, and characters of their text (least recently used evicted first). */
    SUBGRAPH_CACHE_MAX_ENTRIES: positiveIntSchema.default(10_000),
    SUBGRAPH_CACHE_MAX_BYTES: positiveIntSchema.default(64 * 1024 * 1024),
    /** The cache's name in Redis: the subgraphs invalidate it by the same name. */
    SUBGRAPH_CACHE_NAME: subgraphCacheNameSchema,
    /** A client request's overall deadline; past it (or when the client goes away) its subgraph work is cancelled. */
    REQUEST_DEADLINE_MS: positiveIntSchema.default(DEFAULT_REQUEST_DEADLINE_MS),
    /** Client connections open at once. */
    MAX_CONNECTIONS: positiveIntSchema.default(PUBLIC_CONNECTION_LIMITS.maxConnections),
    /** Idle time before a kept-alive client connection is closed (a load balancer in front should idle out first). */
    KEEP_ALIVE_TIMEOUT_MS: positiveIntSchema.default(PUBLIC_CONNECTION_LIMITS.keepAliveTimeoutMs),
    /** Time a client has to send its request headers. */
    HEADERS_TIMEOUT_MS: positiveIntSchema.default(PUBLIC_CONNECTION_LIMITS.headersTimeoutMs),
    /** Time a client has to send its whole request, body included (at least HEADERS_TIMEOUT_MS). */
    REQUEST_TIMEOUT_MS: positiveIntSchema.default(PUBLIC_CONNECTION_LIMITS.requestTimeoutMs),
    /** Web origins allowed to call the API from a browser, comma-separated; unset: same-origin only. */
    CORS_ORIGINS: z
      .string()
      .optional()
      .transform((value) =>
        (value ?? '')
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url())),
    /** How long a tripped subgraph circuit fails fast before a trial request. */
    SUBGRAPH_CIRCUIT_RESET_MS: positiveIntSchema.default(10_000),
    /** GraphiQL at /graphiql. Default: as introspection. */
    GRAPHIQL_ENABLED: flagSchema,
    /** Schema introspection. Default: on unless NODE_ENV=production. GraphiQL needs it. */
    INTROSPECTION_ENABLED: flagSchema,
    /** persisted-documents.json from the client codegen: documents clients may send by id. */
    PERSISTED_DOCUMENTS_MANIFEST: z.string().min(1).optional(),
    /** Execute only documents in the manifest (trusted documents); off keeps APQ and free-form queries. */
    TRUSTED_DOCUMENTS_ONLY: z.stringbool().default(false),
    /** The OpenID Connect issuer whose bearer tokens prove callers (`iss`). */
    AUTH_ISSUER: z.string().min(1).optional(),
    /** The audience tokens must be meant for (`aud`): this API's identifier at the issuer. */
    AUTH_AUDIENCE: z.string().min(1).optional(),
    /** The issuer's published keys (its `jwks_uri`). */
    AUTH_JWKS_URL: z.url().optional(),
    /** The estimated cost (IBM cost spec: `@cost`/`@listSize`) one operation may reach. */
    MAX_OPERATION_COST: positiveIntSchema.default(DEFAULT_OPERATION_LIMITS.maxCost),
    /** Field nesting one operation may reach (introspection excluded). */
    MAX_DEPTH: positiveIntSchema.default(DEFAULT_OPERATION_LIMITS.maxDepth),
    /** Aliases one operation may use. */
    MAX_ALIASES: positiveIntSchema.default(DEFAULT_OPERATION_LIMITS.maxAliases),
    /** Directives one operation may use. */
    MAX_DIRECTIVES: positiveIntSchema.default(DEFAULT_OPERATION_LIMITS.maxDirectives),
    /** Lexical tokens one document may have; counted before it is parsed. */
    MAX_TOKENS: positiveIntSchema.default(DEFAULT_OPERATION_LIMITS.maxTokens),
    /** Root fields one operation may select. */
    MAX_ROOT_FIELDS: positiveIntSchema.default(DEFAULT_OPERATION_LIMITS.maxRootFields),
    /** "Did you mean" suggestions in validation errors. Default: on unless NODE_ENV=production. */
    FIELD_SUGGESTIONS_ENABLED: flagSchema,
    /** Redis shared by gateway replicas for rate limits; unset: each replica counts alone. */
    REDIS_URL: z.url().optional(),
    /** Prefix of the rate-limit keys in Redis (several deployments can share one Redis). */
    RATE_LIMIT_KEY_PREFIX: z.string().min(1).default('members-platform:rate'),
    /** Requests per caller (signed-in: per account; anonymous: per address), as `points/seconds`. */
    RATE_LIMIT_REQUESTS: budgetSchema.default({ points: 600, seconds: 60 }),
    /** Mutation fields per caller (each aliased field counts), as `points/seconds`. */
    RATE_LIMIT_MUTATIONS: budgetSchema.default({ points: 30, seconds: 60 }),
    /** Sign-ups (`createMember` fields) per caller, as `points/seconds`. */
    RATE_LIMIT_SIGN_UPS: budgetSchema.default({ points: 5, seconds: 3600 }),
    /** Root fields one mutation operation may carry. */
    MAX_MUTATION_FIELDS: positiveIntSchema.default(5),
    /** Proxies in front of the gateway whose X-Forwarded-For is believed; 0: none, the socket's address is the client's. */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** Without AUTH_*, outside production: where the development issuer keeps its signing key. */
    AUTH_DEV_KEYS_DIR: z.string().min(1).default('.data/dev-issuer'),
    ...tracingEnvShape,
  })
  .superRefine((env, ctx) => {
    const auth = [env.AUTH_ISSUER, env.AUTH_AUDIENCE, env.AUTH_JWKS_URL];
    if (auth.some((value) => value !== undefined) && auth.some((value) => value === undefined)) {
      for (const name of AUTH_VARIABLES.filter((variable) => env[variable] === undefined)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `set ${AUTH_VARIABLES.join(', ')} together` });
      }
    } else if (env.NODE_ENV === 'production' && auth.every((value) => value === undefined)) {
      for (const name of AUTH_VARIABLES) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'required in production: name the identity provider whose tokens prove callers (the development issuer is off)',
        });
      }
    }
    if (env.REQUEST_TIMEOUT_MS < env.HEADERS_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['REQUEST_TIMEOUT_MS'], message: 'must be at least HEADERS_TIMEOUT_MS' });
    }
    if (env.TRUSTED_DOCUMENTS_ONLY && !env.PERSISTED_DOCUMENTS_MANIFEST) {
      ctx.addIssue({ code: 'custom', path: ['PERSISTED_DOCUMENTS_MANIFEST'], message: 'required when TRUSTED_DOCUMENTS_ONLY is on' });
    }
    const { graphiql, introspection } = exposure(env);
    if (graphiql && !introspection) {
      ctx.addIssue({
        code: 'custom',
        path: ['GRAPHIQL_ENABLED'],
        message: 'GraphiQL needs INTROSPECTION_ENABLED (its docs and autocompletion introspect)',
      });
    }
  });

export type GatewayEnv = z.infer<typeof envSchema>;

/** Which identity provider the gateway trusts: a real OIDC issuer, or the development one. */
export type AuthConfig = { kind: 'oidc'; issuer: string; audience: string; jwksUrl: string } | { kind: 'development'; keysDir: string };

export function authConfig(env: GatewayEnv): AuthConfig {
  const { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_JWKS_URL: jwksUrl } = env;
  if (issuer && audience && jwksUrl) return { kind: 'oidc', issuer, audience, jwksUrl };
  return { kind: 'development', keysDir: env.AUTH_DEV_KEYS_DIR };
}

/**
 * What the gateway reveals about its schema. Development explores it; production reveals nothing
 * unless the operator opts in, so the default deployment offers no map of the API to strangers.
 */
export function exposure(env: Pick<GatewayEnv, 'NODE_ENV' | 'GRAPHIQL_ENABLED' | 'INTROSPECTION_ENABLED' | 'FIELD_SUGGESTIONS_ENABLED'>) {
  const introspection = env.INTROSPECTION_ENABLED ?? env.NODE_ENV !== 'production';
  // GraphiQL follows introspection unless set: it is useless without it.
  return {
    graphiql: env.GRAPHIQL_ENABLED ?? introspection,
    introspection,
    fieldSuggestions: env.FIELD_SUGGESTIONS_ENABLED ?? env.NODE_ENV !== 'production',
  };
}

/** The only place the gateway reads process.env. */
export const readEnv = (): GatewayEnv => loadEnv(envSchema, process.env);
