// Stage canonicalisation and URI redaction.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalStage, redactUri } from './messages.js';

it('canonicalises stages case-insensitively and rejects others with MLflow message', () => {
  assert.equal(canonicalStage('production'), 'Production');
  assert.equal(canonicalStage('NONE'), 'None');
  assert.throws(() => canonicalStage('Bogus'), { message: 'Invalid Model Version stage: Bogus. Value must be one of None, Staging, Production, Archived.' });
});

it('hides passwords in URIs shown to users', () => {
  assert.equal(redactUri('https://ann:s3cret@host:5000/x'), 'https://ann:***@host:5000/x');
  assert.equal(redactUri('https://token@host/x'), 'https://token@host/x');
  assert.equal(redactUri('sqlite:////tmp/mlflow.db'), 'sqlite:////tmp/mlflow.db');
});
