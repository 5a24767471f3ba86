// Owns following aliases: every `--poll-interval` seconds, each model whose URI can name another
// version over time (alias, `latest`, stage) is checked; a check never overlaps the previous one.

import type { Logger } from '../logger.js';
import { follows, type ModelRegistry } from './registry.js';

/** Starts the periodic checks; returns a function that stops them. */
export function startFollowing(registry: ModelRegistry, intervalSeconds: number, logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const followed = registry.list().filter((e) => follows(e.options.modelUri));
  if (followed.length === 0) {
    logger.info(`--poll-interval ${intervalSeconds}: no model URI names an alias, 'latest' or a stage; nothing to follow`);
    return () => undefined;
  }
  const tick = (): void => {
    timer = setTimeout(() => {
      registry.checkAll().then(
        () => !stopped && tick(),
        (err: unknown) => {
          logger.error(`version check failed: ${(err as Error).message}`);
          if (!stopped) tick();
        },
      );
    }, intervalSeconds * 1000);
    timer.unref();
  };
  tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
