// A vitest setup file: properties that do not say how many cases they try take fast-check's 100, scaled as propertyRuns scales.
import fc from 'fast-check';
import { propertyRuns } from './property-runs.js';

fc.configureGlobal({ ...fc.readConfigureGlobal(), numRuns: propertyRuns(100) });
