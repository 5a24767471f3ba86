// Owns the texts a server publishes about one model (page description, OpenAPI document), built on first request and kept.

import type { ModelDescription } from '../model/describe.js';
import { buildOpenApiDocument } from './document.js';
import { modelInfo } from './model-info.js';

/** The JSON texts of one served model. */
export interface PublishedModel {
  readonly description: ModelDescription;
  /** `GET /mlserve/model`. */
  modelInfo(): string;
  /** `GET /openapi.json`. */
  openapi(): string;
}

/** JSON text of a document; bigints (int64 defaults) print as numbers. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

/** Publishes a model: each text is built once, on first use, so start-up does not pay for it. */
export function publishModel(description: ModelDescription, options: { basePath?: string; serverVersion: string }): PublishedModel {
  let info: string | undefined;
  let openapi: string | undefined;
  return {
    description,
    modelInfo: () => (info ??= toJson(modelInfo(description, options))),
    openapi: () => (openapi ??= toJson(buildOpenApiDocument(description, options))),
  };
}
