// The restore engine's public surface: restoreDatabase and what its callers (the restore-db action,
// `mdl-preview restore`) and tests need around it.
export {
  parseAccount,
  parseCollationMap,
  restoreDatabase,
  RestoreError,
  splitScript,
  type CrashPoint,
  type IfExists,
  type RestoreAccount,
  type RestoreOptions,
  type RestoreResult,
  type RestoreServer,
  type TableStat,
} from './restore.js';
export {
  DumpSplitter,
  DumpFormatError,
  type DumpPiece,
  type DumpRows,
  type DumpStatement,
} from './splitter.js';
export { detectCompression, type DumpCompression } from './decompress.js';
export { openDumpSource, parseSource, type DumpSource } from './source.js';
export { classifyStatement, rewriteDefiner, mapCollations, type DefinerMode } from './statements.js';
export { CHECKPOINT_TABLES } from './checkpoint.js';
export { restoreSummaryMarkdown } from './summary.js';
