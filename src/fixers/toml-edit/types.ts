import { UserError } from '../../errors.js';

/**
 * One dependency table of a manifest. `target` is the key under `[target]`: a
 * cfg expression (`cfg(unix)`) or a target triple. It is compared as a TOML key,
 * so `'cfg(unix)'` and `"cfg(unix)"` in the manifest both match `cfg(unix)`,
 * while `cfg( unix )` is a different key (cargo also treats it separately).
 */
export type DepTable = { kind: 'dependencies' | 'dev-dependencies' | 'build-dependencies'; target?: string } | { kind: 'workspace' };

/** A new dependency, as `cargo add` would write it. */
export interface DependencySpec {
  version?: string;
  /** The crate's real name when `key` is a rename. */
  package?: string;
  /** Inherit from the root's `[workspace.dependencies]`. */
  workspace?: boolean;
  /** Only `false` is written; `true` is cargo's default. */
  defaultFeatures?: boolean;
  features?: string[];
  optional?: boolean;
}

/**
 * `key` is always the key in the manifest, which is not the crate name for a
 * renamed dependency (`ssl = { package = "openssl", ... }` has key `ssl`).
 */
export type ManifestEdit =
  | { op: 'add-features'; table: DepTable; key: string; features: string[] }
  | { op: 'remove-features'; table: DepTable; key: string; features: string[] }
  | { op: 'set-default-features'; table: DepTable; key: string; value: boolean }
  | { op: 'add-dependency'; table: DepTable; key: string; spec: DependencySpec };

/**
 * Why an edit was refused:
 * - `unparsable`: the manifest is not valid TOML;
 * - `duplicate-key`: the manifest defines a key or table twice;
 * - `not-found`: the dependency to change is not in the table;
 * - `invalid-edit`: the edit would make the manifest wrong for cargo, or
 *   conflicts with what is there;
 * - `unsupported`: a layout the editor does not rewrite (the user can, by hand);
 * - `verification`: the spliced text did not parse back to the intended data.
 */
export type RefusalReason = 'unparsable' | 'duplicate-key' | 'not-found' | 'invalid-edit' | 'unsupported' | 'verification';

/** An edit that was not made. Nothing is written when any edit is refused. */
export class EditRefused extends UserError {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    help?: string,
  ) {
    super(message, undefined, help);
    this.name = 'EditRefused';
  }
}
