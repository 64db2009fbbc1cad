const BAR_WIDTH = 24;

/** Renders import progress: a bar over the file's bytes, lines done, rate and time left. */
export class Progress {
  private readonly startMs: number;

  constructor(
    private readonly totalBytes: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startMs = now();
  }

  /** e.g. `[############------------]  50%  50,000 lines  25,000/s  ETA 0:02` */
  line(bytesRead: number, linesDone: number): string {
    const fraction = this.totalBytes === 0 ? 1 : Math.min(1, bytesRead / this.totalBytes);
    const filled = Math.round(fraction * BAR_WIDTH);
    const seconds = this.elapsedSeconds();
    const rate = seconds > 0 ? linesDone / seconds : 0;
    const eta = fraction > 0 && fraction < 1 && seconds > 0 ? (seconds * (1 - fraction)) / fraction : 0;
    return (
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ` +
      `${group(linesDone)} lines  ${group(Math.round(rate))}/s  ETA ${clock(eta)}`
    );
  }

  elapsedSeconds(): number {
    return (this.now() - this.startMs) / 1000;
  }
}

export function group(n: number): string {
  return n.toLocaleString('en-US');
}

function clock(seconds: number): string {
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
