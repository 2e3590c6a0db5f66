/**
 * Why a fix is not proven, not applied, or what to know of a proven one, as
 * data: a reason is the id of one of the templates below with the values of
 * its `{{name}}` placeholders (the form of the rules' `meta.messages`), and
 * `reasonText` is the one place that turns it into the words the reports,
 * `fix` and the triage screen show. Nothing parses those words back.
 */
import { formatMessage, templateOf, type MessageData } from '../rules/messages.js';
import type { FixStrategy } from './types.js';

export const REASON_MESSAGES = {
  // A strategy with no candidate (src/fixers/switch.ts, static.ts, pin.ts, disable.ts, recipes.ts).
  noDirectDependency: 'no direct dependency of a member brings `{{crate}}` in',
  noBackendToSwitch: '`{{member}}` depends on `{{crate}}` itself: there is no backend to switch',
  noSwitch: '`{{dependency}}` v{{version}} (which brings `{{crate}}` in) has no switch away from {{family}} in the knowledge base',
  noSwitchDeclared: '`{{dependency}}` v{{version}} (which brings `{{crate}}` in) declares none of the features the knowledge base switches it away from {{family}} with ({{features}})',
  switchOnlyTurnsOff: "the knowledge base's switch for `{{dependency}}` only turns features off ({{alternative}}); that loses what they do",
  noMetadata: 'no metadata for `{{crate}}` v{{version}}',
  missingFeatures: '`{{crate}}` v{{version}} has no feature {{features}}',
  comesFromElsewhere: '`{{dependency}}` has none of the features the switch turns off; `{{crate}}` comes from elsewhere',
  memberFeatureTurnsOn: 'feature `{{feature}}` of `{{member}}` turns on `{{dependencyFeature}}`; change [features] by hand',
  declarationNotFound: 'the declaration of `{{dependency}}` in `{{member}}` was not found',
  declarationOf: '`{{dependency}}` of `{{member}}`',
  noStaticFeature: '`{{crate}}` v{{version}} has no static feature',
  meaningCheckedUpTo: '`{{crate}}` v{{version}} declares `{{feature}}`; what it does was checked up to v{{checked}}',
  switchCheckedUpTo: 'the switch for `{{crate}}` v{{version}} is read from the features it declares; what they do was checked up to v{{checked}}',
  noFeatureTurnsOnStatic: "`{{dependency}}` v{{version}} has no feature that turns on `{{crate}}`'s static option",
  alreadyOn: '`{{dependency}}` already has `{{feature}}` on, yet `{{crate}}` is still reported',
  noStaticFeatureToPin: '`{{crate}}` v{{version}} has no static feature to pin',
  notFromCratesIo: '`{{crate}}` does not come from crates.io ({{source}}); pin it by hand',
  noMemberLinks: 'no selected member links `{{crate}}`',
  keyTaken: '`{{member}}` already uses the key `{{key}}` for `{{package}}`',
  dependsDirectly: '`{{member}}` depends on `{{crate}}` directly: remove that dependency by hand if it can go',
  noFeatureToTurnOff: '`{{dependency}}` v{{version}} brings `{{crate}}` in without a feature that could be turned off',
  nothingThroughFeature: 'nothing brings `{{crate}}` in through a feature',
  tableNotRewritten: '`{{dependency}}` is declared in `{{table}}`, a table the editor does not rewrite',
  memberTableNotRewritten: '`{{dependency}}` of `{{member}}` is declared in `{{table}}`, a table the editor does not rewrite',
  turnedOnElsewhere: 'the feature is turned on by `{{by}}`, not by this declaration',
  defaultNotListable: 'the default feature `{{feature}}` of `{{crate}}` cannot be listed again in a dependency declaration',
  // The proof (src/fixers/prove.ts).
  notEditable: 'the manifest cannot be edited: {{error}}',
  changesNothing: 'the edits change nothing',
  doesNotResolve: 'the edited manifests do not resolve: {{error}}',
  metadataUnreadable: 'crate metadata could not be read: {{error}}',
  stillReported: '{{findings}} still reported after the change',
  newProblems: 'the change brings new problems: {{problems}}',
  lockfileLacks: 'the fix needs {{crates}}, which Cargo.lock lacks and the index cannot give ({{missing}})',
  vendorLacksOffline: 'the fix needs {{crates}}, which Cargo.lock and the vendor directory `{{vendor}}` lack; offline, the registry it replaces was not asked ({{missing}})',
  weakDependenciesMissing: 'Cargo.lock would need {{crates}} (cargo locks optional dependencies that a `dep?/feature` names, built or not), which the index cannot give',
  featuresLost: 'features would be lost: {{features}}',
  spreads: 'the change brings {{crates}}, where it was not before',
  environmentNeeds: 'then the build environment needs attention: {{findings}}',
  memberAlone: 'for `{{member}}` built on its own (`cargo build -p {{member}}`)',
  // Proposing and applying (src/fixers/index.ts, the fix command).
  noStrategy: 'no strategy applies to `{{crate}}`',
  membersNotChecked: 'the members not selected could not be checked with the same features',
  wholeWorkspace: "for the whole workspace (the root's [workspace.dependencies] changes)",
  together: 'together with the other fixes',
  notProven: 'not proven',
  changesLockfile: 'it changes Cargo.lock, and {{flag}} was passed to prevent that',
  togetherChangesLockfile: 'together with the other fixes it changes Cargo.lock, and {{flag}} was passed to prevent that',
} as const satisfies Record<string, string>;

export type ReasonId = keyof typeof REASON_MESSAGES;

export interface Reason {
  id: ReasonId;
  /** A value for every placeholder of the template. */
  data: MessageData;
  /** What the reason is about in turn (`together with the other fixes: <cause>`). */
  cause?: Reason[];
}

/** A reason of the fix engine about one strategy: its refusal, or why its candidate did not prove out. */
export interface FixReason extends Reason {
  strategy?: FixStrategy;
  /** The title of the candidate that did not prove out. */
  candidate?: string;
}

export function reason(id: ReasonId, data: MessageData = {}, cause?: Reason[]): Reason {
  return cause?.length ? { id, data, cause } : { id, data };
}

/** The text of a reason, as the reports show it: `strategy: candidate: text: cause`. */
export function reasonText(r: FixReason): string {
  const own = formatMessage(templateOf(REASON_MESSAGES, r.id, 'fix reason'), r.data, `fix reason ${r.id}`);
  const text = r.cause?.length ? `${own}: ${reasonsText(r.cause)}` : own;
  return `${r.strategy ? `${r.strategy}: ` : ''}${r.candidate ? `${r.candidate}: ` : ''}${text}`;
}

/** Several reasons in one line, `; ` between them. */
export function reasonsText(rs: readonly FixReason[]): string {
  return rs.map(reasonText).join('; ');
}

/** `a`, `b` -> "`a`, `b`" (code spans, comma-separated). */
export const codeList = (items: readonly string[]): string => items.map((s) => `\`${s}\``).join(', ');
