// Owns a Predictor over several in-process model instances (for flavors that already run inference off the main thread).

import type { Predictor } from './types.js';
import { directPredictor } from './direct.js';
import type { LoadedModel } from '../model/load.js';

/** Dispatches each call to the instance with the fewest calls in flight. */
export function createReplicas(models: readonly LoadedModel[]): Predictor {
  // One instance (the default for ONNX): no dispatch layer, one promise less per model call.
  if (models.length === 1) return directPredictor(models[0]);
  const replicas = models.map((m) => ({ predictor: directPredictor(m), inFlight: 0 }));
  return {
    async predict(input, params) {
      let best = replicas[0];
      for (const r of replicas) if (r.inFlight < best.inFlight) best = r;
      best.inFlight++;
      try {
        return await best.predictor.predict(input, params);
      } finally {
        best.inFlight--;
      }
    },
    async close() {
      await Promise.all(replicas.map((r) => r.predictor.close()));
    },
  };
}
