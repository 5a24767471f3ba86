// Owns the time-outs of requests in flight: one shared timer for all of them, not one per request.
//
// Every request gets the same time-out, so deadlines expire in arrival order: a linked list in that
// order and one timer armed for its head suffice. Adding and removing a request touch only the
// list; the timer is armed when the list was empty, and re-armed only when it fires (a request
// answered in time leaves the timer as it is: it fires early, finds nothing due, and re-arms for the
// new head). A per-request setTimeout cost a Timeout object, a timer-list insert and, on an idle
// keep-alive connection, a libuv timer start and stop for every request.

import { LinkedList, type ListNode } from './_linked-list.js';

/** A request waiting for its deadline (`key`: epoch ms): pass it to `delete` once answered. */
export type DeadlineEntry = ListNode<() => void>;

/** Deadlines of equal time-outs (so arriving in deadline order), served by one timer. */
export class Deadlines {
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #list = new LinkedList<() => void>();
  #timer: NodeJS.Timeout | undefined;

  /** `timeoutMs`: every entry's time-out; `now`: the clock (epoch ms), for tests. */
  constructor(timeoutMs: number, now: () => number = Date.now) {
    this.#timeoutMs = timeoutMs;
    this.#now = now;
  }

  /** Registers a request arriving now (its deadline is the entry's `key`); `expire` is called once it passes unless the entry was deleted first. */
  add(expire: () => void): DeadlineEntry {
    const node = this.#list.push(expire, this.#now() + this.#timeoutMs);
    if (!this.#timer) this.#arm(this.#timeoutMs);
    return node;
  }

  /** Forgets an entry (answered in time); again: no effect. */
  delete(entry: DeadlineEntry): void {
    this.#list.delete(entry);
  }

  /** Stops the timer (the entries left never expire). */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    // Unref'd: pending deadlines alone never keep a process alive (the server's socket does).
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, ms));
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#now();
    for (let n = this.#list.head; n !== undefined && n.key <= now; n = this.#list.head) {
      const expire = n.value!;
      this.#list.delete(n);
      expire();
    }
    const head = this.#list.head;
    if (head && !this.#timer) this.#arm(head.key - now);
  }
}
