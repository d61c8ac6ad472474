/** How an import shows its progress: a bar with rate and ETA on a terminal (cli-progress),
 * a plain line every few seconds otherwise (logs, CI). Both write to stderr, so that stdout
 * keeps only the summary. */
import { Presets, SingleBar } from 'cli-progress';

export interface ProgressState {
  /** Rows of the file done (imported or refused), this run and before. */
  done: number;
  /** Rows the file is estimated to hold. */
  total: number;
  imported: number;
  refused: number;
  /** Rows done per second in this run. */
  rate: number;
}

export interface Progress {
  update(state: ProgressState): void;
  /** A message that must not be lost in the bar (a retry, a resume). */
  note(message: string): void;
  stop(): void;
}

export const duration = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

const eta = ({ done, total, rate }: ProgressState) => (rate > 0 ? duration(Math.max(0, total - done) / rate) : '?');

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const bar = new SingleBar(
    {
      stream,
      format: '{bar} {percentage}% | {value}/{total} rows | {rate} users/s | ETA {eta_text} | refused {refused}',
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(state) {
      const payload = { rate: Math.round(state.rate), eta_text: eta(state), refused: state.refused };
      const total = Math.max(state.total, state.done);
      if (!started) bar.start(total, state.done, payload);
      else {
        bar.setTotal(total);
        bar.update(state.done, payload);
      }
      started = true;
    },
    note(message) {
      if (started) bar.stop();
      stream.write(`${message}\n`);
      started = false;
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** A line at most every `everyMs`, and one at the end. */
export function lineProgress(everyMs: number, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Progress {
  let last = 0;
  let latest: ProgressState | undefined;
  const line = (s: ProgressState) =>
    `${s.done.toLocaleString('en')}/${s.total.toLocaleString('en')} rows (${s.total ? ((100 * s.done) / s.total).toFixed(1) : '0.0'}%), ${Math.round(s.rate)} users/s, ETA ${eta(s)}, refused ${s.refused}`;
  return {
    update(state) {
      latest = state;
      if (Date.now() - last < everyMs) return;
      last = Date.now();
      write(line(state));
    },
    note: write,
    stop() {
      if (latest && last !== 0) write(line(latest));
    },
  };
}
