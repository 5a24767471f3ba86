// Owns the KServe manifests of `generate-kserve`: a ServingRuntime running the mlserve image and an InferenceService using it.
//
// Field names follow KServe's CRDs: serving.kserve.io/v1alpha1 ServingRuntime
// (https://kserve.github.io/website/docs/concepts/resources/servingruntime) and
// serving.kserve.io/v1beta1 InferenceService (predictor.model.{modelFormat, protocolVersion,
// runtime, storageUri}; the predictor inlines the pod spec, hence terminationGracePeriodSeconds).

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { InvalidOptionsError } from '../errors.js';
import { CONTAINER_PORT, MODEL_PATH, RUN_AS, modelsArgs } from './dockerfile.js';

/** The gRPC port of the generated container (`--grpc-port`). */
export const GRPC_PORT = 8081;
/** Where KServe's storage initializer puts the model of `storageUri`. */
export const KSERVE_MODEL_PATH = '/mnt/models';
/** Seconds mlserve is assumed to drain in-flight requests on SIGTERM before it exits. */
export const DEFAULT_DRAIN_TIMEOUT_SECONDS = 30;
/** Extra seconds of the grace period beyond the drain time-out (the process still has to exit). */
const GRACE_MARGIN_SECONDS = 10;

/** KServe deployment modes: RawDeployment (a Deployment + Service, several ports) or Serverless (Knative, one port). */
export type DeploymentMode = 'RawDeployment' | 'Serverless';

/** What the manifests depend on. */
export interface KServeOptions {
  /** InferenceService name, which KServe also makes the V2 model name (`{{.Name}}`); a DNS-1035 label. */
  readonly name: string;
  /** The image built by `build-docker` (mlserve as entrypoint). */
  readonly image: string;
  /** ServingRuntime name. @default `mlserve-<name>` */
  readonly runtimeName?: string;
  readonly namespace?: string;
  /** Model location KServe downloads to /mnt/models; absent: the model baked into the image at /opt/ml/model is served. */
  readonly storageUri?: string;
  /**
   * The image serves several models by name (built with `build-docker -m NAME=URI ...`): their names. With
   * `storageUri`, it holds one folder per model instead (served as `--model-repository /mnt/models`).
   */
  readonly modelNames?: readonly string[];
  /** @default 'RawDeployment' (HTTP and gRPC ports; Serverless allows one port, so gRPC is left out) */
  readonly deploymentMode?: DeploymentMode;
  /** CPU request and limit. @default '1' */
  readonly cpu?: string;
  /** Memory request and limit. @default '2Gi' */
  readonly memory?: string;
  /** Inference workers (env MLFLOW_MODELS_WORKERS); absent: mlserve's default. */
  readonly workers?: number;
  /** Seconds mlserve drains on SIGTERM; the pod's grace period is this plus a margin. @default DEFAULT_DRAIN_TIMEOUT_SECONDS */
  readonly drainTimeoutSeconds?: number;
}

const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * A Kubernetes resource quantity (k8s.io/apimachinery resource.Quantity): a number, then a binary
 * suffix (Ki Mi Gi Ti Pi Ei), a decimal one (m k M G T P E) or an exponent (e3, E-2).
 */
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][-+]?\d+)?$/;

/** Why `value` cannot be a CPU or memory request, or undefined when it can (a positive quantity). */
function quantityProblem(flag: 'cpu' | 'memory', value: string): string | undefined {
  const m = QUANTITY.exec(value);
  if (m && Number(m[1]) > 0) return undefined;
  const examples = flag === 'cpu' ? 'cores, e.g. 1, 0.5 or 500m (millicores)' : 'bytes with a suffix, e.g. 512Mi or 2Gi (powers of 1024), 2G (powers of 1000)';
  const unit = flag === 'memory' ? /^(\d+(?:\.\d+)?)\s*([KMGTPE])i?B$/i.exec(value) : null;
  const hint = unit ? ` (did you mean ${unit[1]}${unit[2].toUpperCase()}i?)` : '';
  return `Invalid --${flag} '${value}': not a positive Kubernetes quantity${hint}. Use ${examples}.`;
}

/** A name made valid as a DNS-1035 label (`iris_onnx` → `iris-onnx`). */
export function toResourceName(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 63).replace(/-+$/, '');
  return s === '' ? 'mlflow-model' : s;
}

function check(o: KServeOptions): void {
  const problems: string[] = [];
  if (!DNS_1035.test(o.name)) problems.push(`Invalid name '${o.name}': use lowercase letters, digits and '-', starting with a letter (e.g. '${toResourceName(o.name)}').`);
  if (o.runtimeName !== undefined && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(o.runtimeName)) problems.push(`Invalid runtime name '${o.runtimeName}'.`);
  if (!o.image) problems.push('An image is required (--image).');
  if (o.drainTimeoutSeconds !== undefined && !(Number.isInteger(o.drainTimeoutSeconds) && o.drainTimeoutSeconds >= 0)) {
    problems.push(`Invalid drain time-out ${o.drainTimeoutSeconds}: expected whole seconds >= 0.`);
  }
  if (o.workers !== undefined && !(Number.isInteger(o.workers) && o.workers >= 1)) problems.push(`Invalid workers ${o.workers}: expected an integer >= 1.`);
  for (const flag of ['cpu', 'memory'] as const) {
    const value = o[flag];
    const problem = value === undefined ? undefined : quantityProblem(flag, value);
    if (problem) problems.push(problem);
  }
  if (problems.length) throw new InvalidOptionsError(problems);
}

function probe(path: string, periodSeconds: number, failureThreshold: number): Record<string, unknown> {
  return { httpGet: { path, port: CONTAINER_PORT }, periodSeconds, timeoutSeconds: 5, failureThreshold };
}

/** Where the container's models are: the one model, the image's named models, or the storage URI's folders. */
function modelArgs(o: KServeOptions): string[] {
  if (!o.modelNames?.length) return ['-m', o.storageUri !== undefined ? KSERVE_MODEL_PATH : MODEL_PATH];
  return o.storageUri !== undefined ? ['--model-repository', KSERVE_MODEL_PATH] : modelsArgs(o.modelNames);
}

/** The `kserve-container` of the runtime: mlserve serving V2 on 8080 (HTTP) and 8081 (gRPC, raw deployments). */
export function runtimeContainer(o: KServeOptions): Record<string, unknown> {
  const grpc = (o.deploymentMode ?? 'RawDeployment') === 'RawDeployment';
  const resources = { cpu: o.cpu ?? '1', memory: o.memory ?? '2Gi' };
  const [uid] = RUN_AS.split(':').map(Number);
  return {
    // KServe requires this name for the predictor's serving container.
    name: 'kserve-container',
    image: o.image,
    args: [
      'models', 'serve',
      ...modelArgs(o),
      '-h', '0.0.0.0',
      '-p', String(CONTAINER_PORT),
      ...(grpc ? ['--grpc-port', String(GRPC_PORT)] : []),
      // One model: KServe fills in the InferenceService name, the V2 model name clients use.
      ...(o.modelNames?.length ? [] : ['--model-name', '{{.Name}}']),
    ],
    ...(o.workers !== undefined ? { env: [{ name: 'MLFLOW_MODELS_WORKERS', value: String(o.workers) }] } : {}),
    ports: [
      // Knative wants the serving port named http1 (HTTP/1) and accepts only one port.
      { name: 'http1', containerPort: CONTAINER_PORT, protocol: 'TCP' },
      ...(grpc ? [{ name: 'grpc', containerPort: GRPC_PORT, protocol: 'TCP' }] : []),
    ],
    startupProbe: probe('/v2/health/live', 5, 60),
    livenessProbe: probe('/v2/health/live', 10, 3),
    readinessProbe: probe('/v2/health/ready', 5, 3),
    // Two objects, not one shared: YAML would write the second as an alias (*a1), which some tools reject.
    resources: { requests: { ...resources }, limits: { ...resources } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: uid,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    },
  };
}

function metadata(name: string, o: KServeOptions, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}), ...extra };
}

/** The ServingRuntime (serving.kserve.io/v1alpha1): MLflow format, Open Inference Protocol v2 over REST and gRPC. */
export function servingRuntime(o: KServeOptions): Record<string, unknown> {
  check(o);
  const grpc = (o.deploymentMode ?? 'RawDeployment') === 'RawDeployment';
  return {
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'ServingRuntime',
    metadata: metadata(o.runtimeName ?? `mlserve-${o.name}`, o, { labels: { 'app.kubernetes.io/name': 'mlserve' } }),
    spec: {
      // Not auto-selected: the image may carry one specific model, so InferenceServices name it explicitly.
      supportedModelFormats: [{ name: 'mlflow', autoSelect: false }],
      protocolVersions: grpc ? ['v2', 'grpc-v2'] : ['v2'],
      multiModel: false,
      containers: [runtimeContainer(o)],
    },
  };
}

/** The InferenceService (serving.kserve.io/v1beta1) using that runtime. */
export function inferenceService(o: KServeOptions): Record<string, unknown> {
  check(o);
  const mode = o.deploymentMode ?? 'RawDeployment';
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: metadata(o.name, o, { annotations: { 'serving.kserve.io/deploymentMode': mode } }),
    spec: {
      predictor: {
        // SIGTERM starts mlserve's drain; Kubernetes must not SIGKILL before it ends.
        terminationGracePeriodSeconds: (o.drainTimeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS) + GRACE_MARGIN_SECONDS,
        model: {
          modelFormat: { name: 'mlflow' },
          protocolVersion: 'v2',
          runtime: o.runtimeName ?? `mlserve-${o.name}`,
          ...(o.storageUri !== undefined ? { storageUri: o.storageUri } : {}),
        },
      },
    },
  };
}

/** File names and YAML texts of the two manifests. */
export function kserveManifests(o: KServeOptions): { 'serving-runtime.yaml': string; 'inference-service.yaml': string } {
  const header = '# Generated by mlserve models generate-kserve. Apply with: kubectl apply -f .\n';
  return {
    'serving-runtime.yaml': header + stringify(servingRuntime(o), { aliasDuplicateObjects: false }),
    'inference-service.yaml': header + stringify(inferenceService(o), { aliasDuplicateObjects: false }),
  };
}

/** Writes the manifests into `dir` (created if missing); returns the written paths. */
export async function writeKServeManifests(dir: string, o: KServeOptions): Promise<string[]> {
  // Validate (and render) first, so bad options leave no folder behind.
  const manifests = kserveManifests(o);
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const written: string[] = [];
  for (const [file, text] of Object.entries(manifests)) {
    await writeFile(join(out, file), text);
    written.push(join(out, file));
  }
  return written;
}
