import type { Logger } from '../log/logger.js';
import type { MetaStore } from '../store/store.js';
import type { Clock } from './clock.js';

/** The meta key recording that a metering day was counted on a set clock. */
export const SIMULATED_DAY_META = 'clock.simulated-day.';

/**
 * Which metering days were counted on a set clock (serve --clock-start), recorded in the store so that the
 * day is sealed `clock: "simulated"` whoever seals it later (the CLI, a replica on the system clock). A day
 * is recorded before any of its counts reaches the store: metering awaits mark() before it flushes the day's
 * counts, the registry before it commits a write counted in the day.
 */
export class SimulatedDays {
  /** Days recorded (or being recorded) by this process: at most the days it has counted in. */
  private readonly marks = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Pick<MetaStore, 'initMeta' | 'getMeta'>,
    private readonly clock: Pick<Clock, 'simulation'>,
    private readonly logger: Logger,
  ) {}

  /**
   * On a set clock, records `day` once per process and resolves when it is recorded (rejects with what the store
   * throws; the next call tries again). On the system clock, `undefined`: nothing to wait for.
   */
  mark(day: string): Promise<void> | undefined {
    if (this.clock.simulation === undefined) return undefined;
    let marking = this.marks.get(day);
    if (marking === undefined) {
      marking = this.store.initMeta(SIMULATED_DAY_META + day, 'simulated').then(() => {
        this.logger.debug({ day }, 'metering day recorded as counted on a set clock');
      });
      marking.catch(() => this.marks.delete(day));
      this.marks.set(day, marking);
    }
    return marking;
  }

  /** True when some process counted in `day` on a set clock. Rejects with what the store throws. */
  async isSimulated(day: string): Promise<boolean> {
    return (await this.store.getMeta(SIMULATED_DAY_META + day)) !== undefined;
  }
}
