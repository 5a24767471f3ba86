// Owns CsvParseError: why a CSV body could not become a Frame, with the line and column at fault.

/** A CSV body that cannot be read as pandas.read_csv would read it; the caller wraps it into MLflow's envelope. */
export class CsvParseError extends Error {
  /** 1-based physical line of the offending record, when one is at fault. */
  readonly line?: number;
  /** Label of the offending column, when one is at fault. */
  readonly column?: string;

  constructor(message: string, where?: { line?: number; column?: string }) {
    super(message);
    this.name = 'CsvParseError';
    this.line = where?.line;
    this.column = where?.column;
  }
}

/** Text quoted in a message, cut to 200 characters (a 1 MB cell must not make a 1 MB answer). */
export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** The error for a value of `column` (on physical `line`) that cannot take the column's type. */
export function cellError(column: string, line: number, reason: string): CsvParseError {
  return new CsvParseError(`Unable to parse column '${clip(column)}' at line ${line}: ${reason}`, { line, column });
}
