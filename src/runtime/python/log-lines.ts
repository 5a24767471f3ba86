// Owns forwarding a child process's output into mlserve's log: one prefixed line at a time, lines bounded.

import { StringDecoder } from 'node:string_decoder';

/** Longest line forwarded whole; longer ones are cut into pieces marked as continued. */
export const MAX_LINE_CHARS = 8192;

/** Splits a byte stream into lines and hands each to `write` as `prefix + line`. */
export class LineForwarder {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(
    private readonly prefix: string,
    private readonly write: (line: string) => void,
    private readonly maxChars = MAX_LINE_CHARS,
    private readonly keep = 20,
    /** The last lines seen (for start-up failure messages); forwarders of one process's stdout and stderr may share it. */
    readonly recent: string[] = [],
  ) {}

  /** Adds output bytes; complete lines are written at once. */
  push(chunk: Buffer): void {
    let text = this.partial + this.decoder.write(chunk);
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      this.emit(text.slice(0, nl));
      text = text.slice(nl + 1);
    }
    // A line that never ends (a progress bar, binary output) must not grow without bound.
    this.partial = this.cut(text);
  }

  /** Emits the full-length pieces of an overlong line, marked as continued; returns the rest. */
  private cut(text: string): string {
    while (text.length > this.maxChars) {
      this.emitLine(`${text.slice(0, this.maxChars)} [line continues]`);
      text = text.slice(this.maxChars);
    }
    return text;
  }

  /** Writes what is left once the stream ends. */
  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest) this.emit(rest);
  }

  private emit(line: string): void {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.emitLine(this.cut(clean));
  }

  private emitLine(clean: string): void {
    this.recent.push(clean);
    if (this.recent.length > this.keep) this.recent.shift();
    this.write(this.prefix + clean);
  }
}
