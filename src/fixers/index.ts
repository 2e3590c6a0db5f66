/**
 * Fixes for the findings of a check. `planFixes` (service.ts) is the one
 * entry point: for each native crate reported, the strategies in order of
 * preference (switch backend, static option through the wrapper, pin the
 * -sys crate), each candidate proven by resolving the patched manifests
 * again; where none proves out, which feature to turn off and what that
 * loses. The CLI, the terminal UI and the reports all present its plan.
 */
export { planFixes, passedOver, fixableFindings, keepTogether, LOCKFILE_COMMAND, type CrateFixes, type FixOptions, type FixPlan, type LockfileChange, type StrategyChoice } from './service.js';
export { renderChanges, applyChanges, mergeEdits, parsedTexts, readText, type TextSource } from './apply.js';
export { unifiedDiff, unifiedDiffLines, type DiffLine } from './diff.js';
export { proveEdits, type Proof, type ProofContext } from './prove.js';
export type { FileChange, FixStatus, FixStrategy, ManifestEdits, ProposedFix } from './types.js';
export { reason, reasonText, reasonsText, REASON_MESSAGES, type FixReason, type Reason, type ReasonId } from './reasons.js';
export type { PinScope } from './strategy.js';
