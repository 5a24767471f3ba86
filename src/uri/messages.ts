// Owns the wording shared by the stores: MLflow's lookup errors with the store they came from, stages, redaction.

import { InvalidModelUriError, ModelNotFoundError } from '../errors.js';

/** MLflow's model version stages, in MLflow's order. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
/** The stage of soft-deleted versions, invisible everywhere. */
export const DELETED_STAGE = 'Deleted_Internal';

/** MLflow's case-insensitive stage canonicalisation; throws MLflow's error for other strings. */
export function canonicalStage(stage: string): string {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) {
    throw new InvalidModelUriError(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  }
  return found;
}

/** `uri` without the password of `user:password@`, for messages. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/@]*)@/, (_m, scheme: string, userinfo: string) =>
    `${scheme}${userinfo.includes(':') ? `${userinfo.split(':')[0]}:***` : userinfo}@`,
  );
}

/** `message` followed by the store it was looked up in. */
export function inStore(message: string, role: 'tracking store' | 'model registry', displayUri: string): string {
  return `${message} (${role}: ${displayUri})`;
}

/** A registry miss: MLflow's message plus the registry URI. */
export function registryMiss(message: string, displayUri: string): ModelNotFoundError {
  return new ModelNotFoundError(inStore(message, 'model registry', displayUri));
}

/** A tracking-store miss: MLflow's message plus the tracking URI. */
export function trackingMiss(message: string, displayUri: string): ModelNotFoundError {
  return new ModelNotFoundError(inStore(message, 'tracking store', displayUri));
}

/** MLflow's messages for registry lookups (spec §7.3). */
export const REGISTRY_MESSAGES = {
  model: (name: string) => `Registered Model with name=${name} not found`,
  version: (name: string, version: string) => `Model Version (name=${name}, version=${version}) not found`,
  alias: (alias: string) => `Registered model alias ${alias} not found.`,
  noVersions: (name: string, stage?: string) =>
    stage === undefined ? `No versions of model with name '${name}' found` : `No versions of model with name '${name}' and stage '${stage}' found`,
};

/** An unknown alias is INVALID_PARAMETER_VALUE in MLflow (spec §7.3). */
export function aliasMiss(alias: string, displayUri: string): InvalidModelUriError {
  return new InvalidModelUriError(inStore(REGISTRY_MESSAGES.alias(alias), 'model registry', displayUri));
}

/** True for names and ids that are safe as one path segment of a file store. */
export function isSafeSegment(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !/[/\\\0]/.test(s);
}
