import type { M3uPlugin, M3uStrategy } from '@m3ugen/core';

export declare const sortedStrategy: M3uStrategy;
export default function sortedStrategyPlugin(): M3uPlugin;
