import type { M3uPlugin } from '@m3ugen/core';

/** Catchup attributes from the integrator's archive table, and tvg-country from the provider's field. */
export declare const catchup: M3uPlugin;
