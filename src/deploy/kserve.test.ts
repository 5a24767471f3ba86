// The KServe manifests: pod-spec parts validated with kubernetes-models' schemas, CRD fields checked against KServe's documented API.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { Container, PodSpec, Probe } from 'kubernetes-models/v1';
import { inferenceService, kserveManifests, servingRuntime, toResourceName, type KServeOptions } from './kserve.js';

const BASE: KServeOptions = { name: 'iris', image: 'registry.example.com/iris:1' };
type Obj = Record<string, any>;

/**
 * The parts of KServe's CRDs the generator uses, as documented:
 * - ServingRuntime (serving.kserve.io/v1alpha1, https://kserve.github.io/website/docs/concepts/resources/servingruntime):
 *   spec.supportedModelFormats[] {name, version?, autoSelect?, priority?}, spec.protocolVersions[] of
 *   v1 | v2 | grpc-v1 | grpc-v2, spec.multiModel, spec.containers[] (core/v1 Container; the serving one named
 *   kserve-container; args may use {{.Name}}).
 * - InferenceService (serving.kserve.io/v1beta1, https://kserve.github.io/website/docs/model-serving/predictive-inference/frameworks/mlflow):
 *   spec.predictor.model {modelFormat {name, version?}, protocolVersion, runtime?, storageUri?}; the predictor
 *   inlines the core/v1 PodSpec fields (terminationGracePeriodSeconds); metadata.annotations
 *   serving.kserve.io/deploymentMode of RawDeployment | Serverless.
 */
function checkServingRuntime(rt: Obj): void {
  assert.equal(rt.apiVersion, 'serving.kserve.io/v1alpha1');
  assert.equal(rt.kind, 'ServingRuntime');
  assert.match(rt.metadata.name, /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
  assert.deepEqual(Object.keys(rt.spec).sort(), ['containers', 'multiModel', 'protocolVersions', 'supportedModelFormats']);
  for (const f of rt.spec.supportedModelFormats) {
    for (const k of Object.keys(f)) assert.ok(['name', 'version', 'autoSelect', 'priority'].includes(k), k);
    assert.equal(typeof f.name, 'string');
  }
  for (const p of rt.spec.protocolVersions) assert.ok(['v1', 'v2', 'grpc-v1', 'grpc-v2'].includes(p), p);
  assert.equal(typeof rt.spec.multiModel, 'boolean');
  assert.ok(rt.spec.containers.some((c: Obj) => c.name === 'kserve-container'));
  for (const c of rt.spec.containers) new Container(c).validate();
}

function checkInferenceService(isvc: Obj): void {
  assert.equal(isvc.apiVersion, 'serving.kserve.io/v1beta1');
  assert.equal(isvc.kind, 'InferenceService');
  assert.match(isvc.metadata.name, /^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  assert.ok(['RawDeployment', 'Serverless'].includes(isvc.metadata.annotations['serving.kserve.io/deploymentMode']));
  const { model, ...podFields } = isvc.spec.predictor;
  assert.deepEqual(Object.keys(isvc.spec), ['predictor']);
  for (const k of Object.keys(model)) assert.ok(['modelFormat', 'protocolVersion', 'runtime', 'storageUri'].includes(k), k);
  assert.equal(typeof model.modelFormat.name, 'string');
  assert.ok(['v1', 'v2', 'grpc-v1', 'grpc-v2'].includes(model.protocolVersion));
  // The inlined pod-spec fields must be valid core/v1 PodSpec fields.
  new PodSpec({ containers: [], ...podFields }).validate();
}

describe('servingRuntime', () => {
  it('is a valid ServingRuntime for the mlflow format over V2 REST and gRPC', () => {
    const rt = servingRuntime(BASE) as Obj;
    checkServingRuntime(rt);
    assert.equal(rt.metadata.name, 'mlserve-iris');
    assert.deepEqual(rt.spec.supportedModelFormats, [{ name: 'mlflow', autoSelect: false }]);
    assert.deepEqual(rt.spec.protocolVersions, ['v2', 'grpc-v2']);
  });
  it('runs the image serving the baked-in model on 8080 (HTTP) and 8081 (gRPC) under the InferenceService name', () => {
    const [c] = (servingRuntime(BASE) as Obj).spec.containers;
    assert.equal(c.image, BASE.image);
    assert.deepEqual(c.args, ['models', 'serve', '-m', '/opt/ml/model', '-h', '0.0.0.0', '-p', '8080', '--grpc-port', '8081', '--model-name', '{{.Name}}']);
    assert.deepEqual(c.ports.map((p: Obj) => [p.name, p.containerPort]), [['http1', 8080], ['grpc', 8081]]);
    assert.deepEqual(c.resources, { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    assert.equal(c.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.runAsUser, 1000);
  });
  it('probes /v2/health/live for liveness and start-up and /v2/health/ready for readiness', () => {
    const [c] = (servingRuntime(BASE) as Obj).spec.containers;
    for (const key of ['startupProbe', 'livenessProbe', 'readinessProbe']) new Probe(c[key]).validate();
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/v2/health/live', port: 8080 });
    assert.deepEqual(c.startupProbe.httpGet, { path: '/v2/health/live', port: 8080 });
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/v2/health/ready', port: 8080 });
  });
  it('reads the model from /mnt/models with a storage URI, and drops gRPC for Serverless (one port)', () => {
    const rt = servingRuntime({ ...BASE, storageUri: 's3://bucket/iris', deploymentMode: 'Serverless', workers: 4, cpu: '2', memory: '4Gi' }) as Obj;
    checkServingRuntime(rt);
    const [c] = rt.spec.containers;
    assert.deepEqual(c.args.slice(0, 4), ['models', 'serve', '-m', '/mnt/models']);
    assert.ok(!c.args.includes('--grpc-port'));
    assert.deepEqual(c.ports, [{ name: 'http1', containerPort: 8080, protocol: 'TCP' }]);
    assert.deepEqual(rt.spec.protocolVersions, ['v2']);
    assert.deepEqual(c.env, [{ name: 'MLFLOW_MODELS_WORKERS', value: '4' }]);
    assert.deepEqual(c.resources.limits, { cpu: '2', memory: '4Gi' });
  });
});

describe('servingRuntime of an image of several models', () => {
  it('serves the image\'s models under their own names, or the storage URI\'s folders as a repository', () => {
    const baked = servingRuntime({ ...BASE, modelNames: ['iris', 'wine'] }) as Obj;
    checkServingRuntime(baked);
    assert.deepEqual(baked.spec.containers[0].args, ['models', 'serve', '-m', 'iris=/opt/ml/models/iris', '-m', 'wine=/opt/ml/models/wine', '-h', '0.0.0.0', '-p', '8080', '--grpc-port', '8081']);
    const stored = servingRuntime({ ...BASE, modelNames: ['iris', 'wine'], storageUri: 's3://bucket/models' }) as Obj;
    assert.deepEqual(stored.spec.containers[0].args.slice(0, 4), ['models', 'serve', '--model-repository', '/mnt/models']);
    assert.ok(!stored.spec.containers[0].args.includes('--model-name'), 'the models keep their own names');
  });
});

describe('inferenceService', () => {
  it('is a valid InferenceService referencing the runtime, with a grace period past the drain time-out', () => {
    const isvc = inferenceService({ ...BASE, namespace: 'ml', drainTimeoutSeconds: 45 }) as Obj;
    checkInferenceService(isvc);
    assert.deepEqual(isvc.metadata, { name: 'iris', namespace: 'ml', annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' } });
    assert.deepEqual(isvc.spec.predictor.model, { modelFormat: { name: 'mlflow' }, protocolVersion: 'v2', runtime: 'mlserve-iris' });
    assert.ok(isvc.spec.predictor.terminationGracePeriodSeconds >= 45);
    const stored = inferenceService({ ...BASE, storageUri: 'gs://b/m', runtimeName: 'rt' }) as Obj;
    checkInferenceService(stored);
    assert.equal(stored.spec.predictor.model.storageUri, 'gs://b/m');
    assert.equal(stored.spec.predictor.model.runtime, 'rt');
  });
  it('rejects names Kubernetes would reject, listing every problem', () => {
    assert.throws(() => inferenceService({ ...BASE, name: 'Iris_Model', image: '', workers: 0 }), (e: Error & { problems?: string[] }) => {
      assert.equal(e.problems?.length, 3);
      assert.match(e.message, /use lowercase letters.*'iris-model'/);
      return true;
    });
    assert.equal(toResourceName('Iris_ONNX v2'), 'iris-onnx-v2');
  });
  it('accepts CPU and memory as Kubernetes quantities and refuses anything else, naming the flag', () => {
    for (const cpu of ['1', '0.5', '500m', '2', '1e3', '.5']) assert.doesNotThrow(() => inferenceService({ ...BASE, cpu }), cpu);
    for (const memory of ['2Gi', '512Mi', '2G', '1.5Gi', '128974848', '129e6', '4k']) assert.doesNotThrow(() => inferenceService({ ...BASE, memory }), memory);
    const refused: [Partial<KServeOptions>, RegExp][] = [
      [{ cpu: 'lots' }, /Invalid --cpu 'lots': not a positive Kubernetes quantity\. Use cores, e\.g\. 1, 0\.5 or 500m/],
      [{ cpu: '0' }, /Invalid --cpu '0'/],
      [{ cpu: '-1' }, /Invalid --cpu '-1'/],
      [{ memory: '2GB' }, /Invalid --memory '2GB': not a positive Kubernetes quantity \(did you mean 2Gi\?\)/],
      [{ memory: '2 Gi' }, /Invalid --memory '2 Gi'/],
      [{ memory: 'Gi' }, /Invalid --memory 'Gi'/],
    ];
    for (const [bad, message] of refused) assert.throws(() => servingRuntime({ ...BASE, ...bad }), message);
    assert.equal(toResourceName('123'), 'mlflow-model');
  });
});

describe('kserveManifests', () => {
  it('writes YAML that parses back to the same objects', () => {
    const files = kserveManifests(BASE);
    const rt = parseAllDocuments(files['serving-runtime.yaml']).map((d) => d.toJS());
    const isvc = parseAllDocuments(files['inference-service.yaml']).map((d) => d.toJS());
    assert.deepEqual(rt, [servingRuntime(BASE)]);
    assert.deepEqual(isvc, [inferenceService(BASE)]);
    assert.match(files['serving-runtime.yaml'], /- "\{\{\.Name\}\}"|- '\{\{\.Name\}\}'/);
  });
  it('writes requests and limits out in full, without YAML anchors or aliases', () => {
    const text = kserveManifests({ ...BASE, cpu: '2', memory: '4Gi' })['serving-runtime.yaml'];
    assert.doesNotMatch(text, /[&*]a\d/);
    assert.match(text, /requests:\n\s+cpu: "2"\n\s+memory: 4Gi\n\s+limits:\n\s+cpu: "2"\n\s+memory: 4Gi/);
  });
});
