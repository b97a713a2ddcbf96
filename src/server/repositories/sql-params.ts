/** Collects positional parameters while a query's text is assembled: `params.add(v)` returns "$n". */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
