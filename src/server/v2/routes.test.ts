// Route templates of V2 paths: the bounded `endpoint` label of metrics.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { v2RouteTemplate, UNMATCHED_ROUTE } from './routes.js';

it('maps every V2 path to its route template, whatever the model name and version', () => {
  const cases: [string, string][] = [
    ['/v2', '/v2'],
    ['/v2/', '/v2'],
    ['/v2/health/live', '/v2/health/live'],
    ['/v2/health/ready', '/v2/health/ready'],
    ['/v2/models', '/v2/models'],
    ['/v2/repository/index', '/v2/repository/index'],
    ['/v2/models/iris', '/v2/models/{name}'],
    ['/v2/models/anything-at-all/', '/v2/models/{name}'],
    ['/v2/models/iris/ready', '/v2/models/{name}/ready'],
    ['/v2/models/iris/infer', '/v2/models/{name}/infer'],
    ['/v2/models/iris/versions/7', '/v2/models/{name}/versions/{version}'],
    ['/v2/models/iris/versions/7/ready', '/v2/models/{name}/versions/{version}/ready'],
    ['/v2/models/iris/versions/7/infer', '/v2/models/{name}/versions/{version}/infer'],
  ];
  for (const [path, template] of cases) assert.equal(v2RouteTemplate(path), template, path);
});

it('puts every path no route serves under one label', () => {
  for (const path of ['/v2/nope', '/v2/health', '/v2/models/iris/explain', '/v2/models/iris/versions', '/v2/models/iris/infer/x', '/v2x', '/other']) {
    assert.equal(v2RouteTemplate(path), UNMATCHED_ROUTE, path);
  }
});
