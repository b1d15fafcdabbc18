// The Kubernetes manifests (deploy/kubernetes), checked offline against the Kubernetes API
// schemas that kubernetes-models ships, and against what the services need from them: probes on
// their health endpoints, resources, no root, a read-only root filesystem, a disruption budget and
// an autoscaler for every Deployment, and a migration Job per database.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';

const DIR = fileURLToPath(new URL('../../../deploy/kubernetes/', import.meta.url));

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

const validate = (manifest: Manifest) => {
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  new Model(manifest as never).validate();
};

const kustomization = parseAllDocuments(readFileSync(`${DIR}kustomization.yaml`, 'utf8'))[0]!.toJS() as {
  resources: string[];
  secretGenerator: { name: string; envs: string[] }[];
};
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(`${DIR}${file}`, 'utf8')).map((document) => document.toJS() as Manifest),
);
// The Secret kustomize generates from secrets.env, made here from the committed example.
const exampleSecret: Manifest & { stringData: Record<string, string> } = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: kustomization.secretGenerator[0]!.name },
  stringData: Object.fromEntries(
    readFileSync(`${DIR}secrets.env.example`, 'utf8')
      .split('\n')
      .filter((line) => line.includes('=') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ),
};
const byKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const SERVICES = ['gateway', 'members', 'nickname-history'];

it('validates every manifest, and the generated Secret, against the Kubernetes API schemas', () => {
  expect(manifests.length).toBeGreaterThanOrEqual(15);
  for (const manifest of [...manifests, exampleSecret]) expect(() => validate(manifest)).not.toThrow();
});

it('rejects a manifest the API server would reject (the check is real)', () => {
  const deployment = structuredClone(byKind('Deployment')[0]!) as Manifest & { spec: { replicas: unknown } };
  deployment.spec.replicas = 'two';
  expect(() => validate(deployment)).toThrow();
});

interface PodSpec {
  securityContext: { runAsNonRoot: boolean };
  terminationGracePeriodSeconds?: number;
  containers: {
    image: string;
    readinessProbe?: { httpGet: { path: string } };
    livenessProbe?: { httpGet: { path: string } };
    resources: { requests: Record<string, string>; limits: Record<string, string> };
    securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
    envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  }[];
}

it('runs each service with health probes, resources, no root, a read-only filesystem, an autoscaler and a disruption budget', () => {
  const deployments = byKind('Deployment') as (Manifest & { spec: { template: { spec: PodSpec } } })[];
  expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual([...SERVICES].sort());
  for (const deployment of deployments) {
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container!.readinessProbe?.httpGet.path).toBe('/readyz');
    expect(container!.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(container!.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(container!.resources.limits['memory']).toBeDefined();
    expect(container!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    // Long enough for the drain delay (5 s) and Apollo's 10 s grace for in-flight requests.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(20);
    expect(container!.envFrom.map((source) => source.configMapRef?.name ?? source.secretRef?.name).sort()).toEqual([
      'members-platform-config',
      'members-platform-secrets',
    ]);
    const name = deployment.metadata.name;
    expect(byKind('Service').some((service) => service.metadata.name === name)).toBe(true);
    expect(byKind('HorizontalPodAutoscaler').find((hpa) => hpa.metadata.name === name)?.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name },
      minReplicas: 2,
    });
    expect(byKind('PodDisruptionBudget').find((pdb) => pdb.metadata.name === name)?.spec).toMatchObject({ minAvailable: 1 });
  }
});

it('migrates each database in a Job with the service image in MIGRATE_ONLY mode', () => {
  const jobs = byKind('Job') as (Manifest & {
    spec: { template: { spec: PodSpec & { containers: { env: { name: string; value: string }[] }[] } } };
  })[];
  expect(jobs.map((job) => job.spec.template.spec.containers[0]!.image).sort()).toEqual([
    'members-platform/members',
    'members-platform/nickname-history',
  ]);
  for (const job of jobs) expect(job.spec.template.spec.containers[0]!.env).toContainEqual({ name: 'MIGRATE_ONLY', value: 'true' });
});
