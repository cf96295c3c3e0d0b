export { presetDefault, createGenerator } from './preset.js';
