// Owns the warnings for MLflow's Docker flags that mean nothing for mlserve's Node.js image.

import type { ParsedFlags } from '../flags.js';
import { warn } from '../common.js';

/** Warns once per MLflow-only flag that was given. */
export function warnDockerCompatFlags(flags: ParsedFlags): void {
  for (const flag of ['env-manager', 'mlflow-home', 'install-java', 'install-mlflow', 'enable-mlserver']) {
    if (flags[flag] !== undefined && flags[flag] !== false) warn(`mlserve: --${flag} is accepted for MLflow compatibility and has no effect on mlserve's image.`);
  }
}
