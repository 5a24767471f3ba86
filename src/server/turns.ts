// Owns spreading large pieces of HTTP-thread work (decoding large bodies) over event-loop turns, one per turn, so that /ping and small requests are served between them.
//
// Node runs every callback that became ready in one poll phase before it polls again: 32 large
// bodies arriving together would be decoded back to back (tens of ms) while a health check waits.
// Jobs queued here run one per loop iteration instead (a setImmediate queued from a setImmediate
// callback runs on the next iteration, after the poll phase has read other sockets).

import { LinkedList } from './_linked-list.js';

/** A FIFO of jobs run one per event-loop turn. */
export class TurnQueue {
  // A list, not an array with a read index: under steady load the queue is never empty, and an
  // array would only grow (each job's slot kept) until it is.
  readonly #jobs = new LinkedList<() => void>();
  #scheduled = false;

  /** Jobs queued and not run yet. */
  get size(): number {
    return this.#jobs.size;
  }

  /** Runs `job` on a later turn, after the jobs queued before it (one per turn). A job must not throw. */
  run(job: () => void): void {
    this.#jobs.push(job);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#jobs.size === 0) return;
    this.#scheduled = true;
    setImmediate(this.#next);
  }

  readonly #next = (): void => {
    this.#scheduled = false;
    const node = this.#jobs.head!;
    const job = node.value!;
    this.#jobs.delete(node);
    this.#schedule();
    job();
  };
}
