export type { Channel, NumberedChannel, ChannelFieldSpelling } from './channel/model.js';
export { OPTIONAL_CHANNEL_FIELDS, isMissing, modelFieldName, RECORD_INDEX, RECORD_LINE, recordIndex, recordLine, writtenText } from './channel/model.js';
export { parseNumberedChannel, parseNumberedChannelOrError, recordSchemas } from './channel/schema.js';

export type { Duplicated, RecordLocation } from './errors.js';
export { M3ugenError, InputError, DuplicateError, OptionError, PluginError, RegistryError, withoutStackTrace, counted, describeOptionValue, describeValue, formatCount, formatLocation, keyPath, systemErrorReason, valueAtPath } from './errors.js';

export type { ChannelTapOptions, GenerationHooks, HookName } from './hooks/hooks.js';
export { createGenerationHooks, isTapped, HOOK_SIGNATURES, tapsMayReadIndex } from './hooks/hooks.js';

export type { MemorySample, MemoryProbe, PressureLevel, PressureThresholds, MemoryPreset, PressureMonitorOptions } from './memory/pressure.js';
export {
  PRESSURE_LEVELS,
  MEMORY_PRESETS,
  processMemoryProbe,
  memoryUsageRatio,
  pressureLevelOf,
  comparePressure,
  PressureMonitor,
} from './memory/pressure.js';

export type { PlaylistSink, OwnedSink } from './output/sink.js';
export { StringSink, WritableSink, ChunkQueueSink, writeChunks } from './output/sink.js';

export type { Named } from './registry/registry.js';
export { Registry } from './registry/registry.js';

export type { ExtinfAttribute } from './render/attributes.js';
export { formatAttributes } from './render/attributes.js';
export type { EntryRenderer, BatchRenderer, Renderers, RenderContext } from './render/entry-renderer.js';
export { createEntryRenderer, createRenderers, renderHeader } from './render/entry-renderer.js';
export { sanitizeText, sanitizeAttributeValue, sanitizeName, displayName, isValidAttributeName, lineBreakAt } from './render/sanitize.js';
export type { UrlScheme, StreamUrlBuilder } from './render/url-scheme.js';
export { checkUrlOptions } from './render/url-scheme.js';

export type { ChannelBatch, ChannelSource, ChannelInput } from './run/channel-source.js';
export { toChannelSource, DEFAULT_BATCH_SIZE } from './run/channel-source.js';
export type { M3uPlugin, GeneratorConfig, RunOptions, GenerationResult, PlaylistResult, PlaylistStream } from './run/generator.js';
export { M3uGenerator, checkPlugins } from './run/generator.js';
export type { RunMetrics } from './run/metrics.js';
export type { DuplicateIdIndex } from './run/duplicates.js';
export { FingerprintSet, FingerprintMap, NumberSet, idKey, writeFingerprint, duplicateIdReason } from './run/duplicates.js';
export type { CapturedWarning, BatchEntries, BatchText, EntryCacheOptions, RenderedEntry } from './run/entry-cache.js';
export { EntryCache } from './run/entry-cache.js';
export type { GenerateOptions, MemoryOptions, ResolvedOptions } from './run/options.js';
export { resolveOptions, DEFAULT_OPTIONS, GENERATE_OPTION_NAMES, checkOptionNames, closestName, closestAllowedValue, didYouMean, editDistance, sameWords } from './run/options.js';
export type { RunInfo } from './run/run-info.js';
export type { GenerationWarning, WarningCode, WarningSummary } from './run/warnings.js';
export { WarningLog, warningAtIndex } from './run/warnings.js';
export type { AbsentField, FieldRead } from './run/field-reads.js';
export { absentFieldMessage } from './run/field-reads.js';

export type {
  StrategyContract,
  M3uStrategy,
  Handover,
  MidRunSwitch,
  StrategyRun,
  StrategySelectionRequest,
  StrategyChoice,
  StrategySwitch,
  ProgressInfo,
} from './strategy/strategy.js';
export type { SelectionFacts } from './strategy/select.js';
export { selectAutomatically, proposeTakeover } from './strategy/select.js';
