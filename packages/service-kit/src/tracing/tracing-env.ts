import { z } from 'zod';

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
/** A URL, or nothing when unset or set empty (`OTEL_EXPORTER_OTLP_ENDPOINT=` turns export off). */
const optionalUrl = z.preprocess((value) => (value === '' ? undefined : value), z.url().optional());

/**
 * OpenTelemetry's standard variables, as every service reads them. With no OTLP endpoint nothing
 * is exported, but spans still carry trace ids into the logs and onward to the next service.
 */
export const tracingEnvShape = {
  /** `true` turns tracing off entirely: no spans, no trace ids in logs (context still propagates). */
  OTEL_SDK_DISABLED: flag.default(false),
  /** Base OTLP/HTTP endpoint, e.g. http://collector:4318 (traces go to `/v1/traces` under it). */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  /** Full traces URL; wins over the base endpoint. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .default('parentbased_always_on'),
  /** The ratio for the `traceidratio` samplers, 0..1. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
};

export type TracingEnv = z.infer<z.ZodObject<typeof tracingEnvShape>>;

/** The traces URL the env names, or null: export is off. */
export function otlpTracesUrl(env: TracingEnv): string | null {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return null;
}
