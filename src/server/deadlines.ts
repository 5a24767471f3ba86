// Owns the time-outs of requests in flight: one shared timer for all of them, not one per request.
//
// Every request gets the same time-out, so deadlines expire in arrival order: a linked list in that
// order and one timer armed for its head suffice. Adding and removing a request touch only the
// list; the timer is armed when the list was empty, and re-armed only when it fires (a request
// answered in time leaves the timer as it is: it fires early, finds nothing due, and re-arms for the
// new head). A per-request setTimeout cost a Timeout object, a timer-list insert and, on an idle
// keep-alive connection, a libuv timer start and stop for every request.

/** A request waiting for its deadline: pass it to `delete` once answered. */
export interface DeadlineEntry {
  readonly at: number;
}

interface Node extends DeadlineEntry {
  expire: (() => void) | undefined;
  prev: Node | undefined;
  next: Node | undefined;
  linked: boolean;
}

/** Deadlines of equal time-outs (so arriving in deadline order), served by one timer. */
export class Deadlines {
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #head: Node | undefined;
  #tail: Node | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** `timeoutMs`: every entry's time-out; `now`: the clock (epoch ms), for tests. */
  constructor(timeoutMs: number, now: () => number = Date.now) {
    this.#timeoutMs = timeoutMs;
    this.#now = now;
  }

  /** Registers a request arriving now; `expire` is called once its time-out passes unless it was deleted first. */
  add(expire: () => void): DeadlineEntry {
    const node: Node = { at: this.#now() + this.#timeoutMs, expire, prev: this.#tail, next: undefined, linked: true };
    if (this.#tail) this.#tail.next = node;
    else this.#head = node;
    this.#tail = node;
    if (!this.#timer) this.#arm(this.#timeoutMs);
    return node;
  }

  /** Forgets an entry (answered in time); again: no effect. */
  delete(entry: DeadlineEntry): void {
    const node = entry as Node;
    if (!node.linked) return;
    node.linked = false;
    if (node.prev) node.prev.next = node.next;
    else this.#head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.#tail = node.prev;
    // Dropped, as clearTimeout drops a Timeout's callback: a node that lived long enough to be
    // promoted must not keep its request's closures (and what they reach) alive until a full GC.
    node.prev = node.next = node.expire = undefined;
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
    for (let n = this.#head; n !== undefined && n.at <= now; n = this.#head) {
      const expire = n.expire!;
      this.delete(n);
      expire();
    }
    if (this.#head && !this.#timer) this.#arm(this.#head.at - now);
  }
}
