// Owns the list of requests not answered yet (each with the function that answers it 503), which the drain answers when its time runs out.

import { LinkedList, type ListNode } from './_linked-list.js';

/** One unanswered request: pass it back to `delete` once the request is answered. */
export type UnansweredEntry = ListNode<() => void>;

/** Requests not answered yet, in arrival order (a linked list, not a Set: see _linked-list.ts). */
export class UnansweredRequests implements Iterable<() => void> {
  readonly #list = new LinkedList<() => void>();

  /** How many requests are unanswered. */
  get size(): number {
    return this.#list.size;
  }

  /** Registers a request; `answer` answers it at once (503) if the drain runs out of time. */
  add(answer: () => void): UnansweredEntry {
    return this.#list.push(answer);
  }

  /** Forgets an answered request (again: no effect). */
  delete(entry: UnansweredEntry): void {
    this.#list.delete(entry);
  }

  /**
   * A check that stays true while any request unanswered now still is (requests that arrive later
   * do not count): a model version switched away from waits on it before it is released.
   */
  stillPending(): () => boolean {
    const nodes: UnansweredEntry[] = [];
    for (let n = this.#list.head; n; n = n.next) nodes.push(n);
    // Polled (every few ms) until false: each answered node is stepped over once, not the whole snapshot copied per poll.
    let first = 0;
    return () => {
      while (first < nodes.length && !nodes[first].linked) first++;
      return first < nodes.length;
    };
  }

  /** The answer functions of the requests still unanswered (a snapshot: answering may unlink them). */
  [Symbol.iterator](): Iterator<() => void> {
    return this.#list.values()[Symbol.iterator]();
  }
}
