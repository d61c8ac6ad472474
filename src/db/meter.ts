/** Counting what storage costs. Every D1 binding is used through `instrument`, which counts
 * round trips and, from D1's own `meta`, rows read and written — the figures the benchmark
 * and `/admin/program/metrics` report. `raw()` answers carry no `meta`: those calls are
 * counted as round trips and as `unmetered`, so a figure that misses rows says so.
 *
 * For the benchmark only, `D1_SIMULATED_LATENCY_MS` delays every round trip, as D1 a network
 * hop away would. */

export interface D1Usage {
  roundTrips: number;
  rowsRead: number;
  rowsWritten: number;
  /** Round trips whose rows D1 did not report (`raw()`). */
  unmetered: number;
}

export class D1Meter implements D1Usage {
  roundTrips = 0;
  rowsRead = 0;
  rowsWritten = 0;
  unmetered = 0;

  add(usage: D1Usage): void {
    this.roundTrips += usage.roundTrips;
    this.rowsRead += usage.rowsRead;
    this.rowsWritten += usage.rowsWritten;
    this.unmetered += usage.unmetered;
  }

  snapshot(): D1Usage {
    return { roundTrips: this.roundTrips, rowsRead: this.rowsRead, rowsWritten: this.rowsWritten, unmetered: this.unmetered };
  }

  #record(results: readonly { meta?: Partial<D1Meta> }[]): void {
    for (const { meta } of results) {
      this.rowsRead += meta?.rows_read ?? 0;
      this.rowsWritten += meta?.rows_written ?? 0;
    }
  }

  /** Wraps a D1 binding so that every round trip through it is counted here. */
  instrument(d1: D1Database, latencyMs = 0): D1Database {
    const meter = this;
    const trip = async <T>(work: () => Promise<T>): Promise<T> => {
      meter.roundTrips++;
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      return work();
    };
    const statement = (stmt: D1PreparedStatement): D1PreparedStatement =>
      new Proxy(stmt, {
        get(target, property) {
          switch (property) {
            case 'bind':
              return (...values: unknown[]) => statement(target.bind(...values));
            case 'all':
            case 'run':
              return () =>
                trip(async () => {
                  const result = await target[property]();
                  meter.#record([result]);
                  return result;
                });
            case 'first':
            case 'raw':
              return (...args: unknown[]) =>
                trip(() => {
                  meter.unmetered++;
                  return (target[property] as (...a: unknown[]) => Promise<unknown>)(...args);
                });
            case UNWRAP:
              return target;
            default: {
              const value = Reflect.get(target, property, target);
              return typeof value === 'function' ? value.bind(target) : value;
            }
          }
        },
      });
    return new Proxy(d1, {
      get(target, property) {
        switch (property) {
          case 'prepare':
            return (query: string) => statement(target.prepare(query));
          case 'batch':
            return (statements: D1PreparedStatement[]) =>
              trip(async () => {
                const results = await target.batch(statements.map(unwrapStatement));
                meter.#record(results);
                return results;
              });
          case 'exec':
            return (query: string) => trip(() => target.exec(query));
          default: {
            const value = Reflect.get(target, property, target);
            return typeof value === 'function' ? value.bind(target) : value;
          }
        }
      },
    });
  }
}

const UNWRAP = Symbol('unwrap');

/** `batch` needs the binding's own statements, not our wrappers. */
function unwrapStatement(stmt: D1PreparedStatement): D1PreparedStatement {
  return (stmt as unknown as Record<symbol, D1PreparedStatement | undefined>)[UNWRAP] ?? stmt;
}
