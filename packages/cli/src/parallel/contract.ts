import type { StrategyContract } from '@m3ugen/core';

/**
 * The contract of the command's parallel strategies, the main thread's and
 * each worker's: run only when asked for by name, never switched to or from,
 * and not at emergency pressure.
 */
export const PARALLEL_CONTRACT: StrategyContract = Object.freeze({
  estimateMemoryBytes: () => 0,
  supportedPressure: Object.freeze(['optimal', 'moderate', 'high', 'critical'] as const),
  canTakeOverMidStage: false,
  boundedMemory: true,
  preference: 0,
  automatic: false,
});
