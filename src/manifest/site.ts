/** Where a dependency is declared, for reports and fixes. */

export interface DeclarationSite {
  /** Absolute path of the manifest holding the declaration. */
  manifestPath: string;
  /** 1-based line and column of the dependency's key. */
  line: number;
  column: number;
  /** The table it sits in, as written: e.g. `dependencies`, `target.'cfg(unix)'.dependencies`, `workspace.dependencies`. */
  table: string;
  /** The same table as key path, e.g. ["target", "cfg(unix)", "dependencies"]. */
  tablePath: string[];
  /** When the member inherits (`dep.workspace = true`), the root's `[workspace.dependencies]` entry. */
  inheritedFrom?: DeclarationSite;
}
