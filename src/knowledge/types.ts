/**
 * The knowledge base: native C libraries that Rust crates link, and what it
 * takes to link each one statically.
 *
 * One entry per library family (OpenSSL, SQLite, zlib, ...). An entry names the
 * crates involved: the `-sys` crate that links the library (`role = "sys"`),
 * the wrappers that reach it and can switch it (`role = "wrapper"`: features to
 * vendor it, or to swap it for a pure-Rust alternative), and crates that carry
 * a `links` key without linking anything (`role = "links-only"`).
 *
 * Sources are TOML files in `knowledge-base/` (kebab-case keys, described by
 * `knowledge-base/schema.json`); `knowledge-base/knowledge-base.json` is the
 * compiled form (camelCase, the types below), committed and kept in sync by a
 * test. At run time only the JSON is read (`files.ts`): about a millisecond.
 * The layer sits below the rules and fixers and above the resolver: the CLI
 * loads it and hands it to the rules as data.
 *
 * Every `versions` value is a semver range over published versions
 * (comparators separated by spaces or commas, each with an operator, e.g.
 * `">=0.12.4, <0.13.0-0"`; pre-releases compare by their order). Whether a
 * release has a feature is read from its index entry or manifest, not from
 * these ranges: a feature static option has one only where the feature's
 * meaning changed between releases (pq-sys `bundled` needs perl before 0.6),
 * and `checkedAgainst` names the releases its facts were checked against (the
 * newest of them bounds what is known of the meaning). Environment options,
 * which the index cannot show, keep their ranges: the releases known to read
 * the variable.
 */

export const CATEGORIES = [
  'tls',
  'crypto',
  'compression',
  'database',
  'vcs',
  'ssh',
  'http',
  'messaging',
  'ipc',
  'audio',
  'desktop',
  'font',
  'hardware',
  'allocator',
  'regex',
  'auth',
  'image',
  'media',
  'graphics',
  'science',
  'ml',
  'compiler',
  'network',
  'xml',
  'scripting',
  'rpc',
  'system',
  'none',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** What a static build needs on the build machine, besides rustc and the target's linker. */
export const REQUIREMENTS = ['c-compiler', 'cxx-compiler', 'perl', 'make', 'cmake', 'libclang', 'go', 'nasm', 'autotools'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

const REQUIREMENT_TEXT: Record<Requirement, string> = {
  'c-compiler': 'a C compiler for the target',
  'cxx-compiler': 'a C++ compiler for the target',
  perl: 'perl',
  make: 'make',
  cmake: 'cmake',
  libclang: 'libclang',
  go: 'Go',
  nasm: 'nasm',
  autotools: 'autotools',
};

/** What a build needs, in words (`a C compiler for the target`, `perl`), each once, in order. */
export function requirementText(r: readonly Requirement[]): string[] {
  return [...new Set(r)].map((x) => REQUIREMENT_TEXT[x]);
}

/**
 * How a `-sys` crate links its library when none of its static options is on:
 * - `system`: it uses the system library (pkg-config, `*_DIR` variables, ...):
 *   linked dynamically when found, and the build or the link fails when the
 *   target has none (the usual case when cross-compiling for musl);
 * - `bundled-fallback`: the system library when pkg-config finds one (dynamic),
 *   else it builds its bundled source and links it statically;
 * - `static`: it always builds the bundled source and links it statically
 *   (its `dynamicOptions` opt into the system library);
 * - `none`: it links nothing when the binary is linked (ash with `loaded`,
 *   wayland-sys with `dlopen` open the library at run time instead).
 */
export const WITHOUT_STATIC = ['system', 'bundled-fallback', 'static', 'none'] as const;
export type WithoutStatic = (typeof WITHOUT_STATIC)[number];

/** A static option by its name, as advice names it: feature `vendored`, or `OPENSSL_STATIC=1`. */
export function staticOptionName(o: StaticOption): string {
  return o.kind === 'feature' ? `feature \`${o.feature}\`` : `${o.env}=${o.value}`;
}

/** What a sys crate does with no static option on, in words (`explain` and the triage screen say it alike). */
export function withoutStaticText(kind: WithoutStatic): string {
  switch (kind) {
    case 'system':
      return 'links the system library';
    case 'bundled-fallback':
      return 'links a system library pkg-config finds, else builds its bundled source';
    case 'none':
      return 'links nothing when the binary is linked';
    case 'static':
      return 'builds its bundled source and links it statically';
  }
}

export const ROLES = ['sys', 'wrapper', 'links-only'] as const;
export type CrateRole = (typeof ROLES)[number];

interface OptionBase {
  /** What the option needs to build, on top of the crate's `buildRequires`. */
  requires: Requirement[];
  note?: string;
}

/** A cargo feature that makes the library static. */
export interface FeatureStaticOption extends OptionBase {
  kind: 'feature';
  feature: string;
  /**
   * The versions where the feature has this meaning, only when it changed
   * between releases; absent: every release that declares the feature (read
   * from its index entry), the meaning checked up to the crate's newest
   * `checkedAgainst` release.
   */
  versions?: string;
  /** First version without the feature again; `lastWith` is the last version that has it. */
  until?: string;
  lastWith?: string;
  /** What the feature turns on in the index (`dep/feature` values, dependency renames resolved), for wrappers. */
  enables: string[];
}

/** An environment variable read by the build script (`[env]` in `.cargo/config.toml` or the shell). */
export interface EnvStaticOption extends OptionBase {
  kind: 'env';
  /** Versions of the crate whose build script reads the variable (the index cannot show it). */
  versions: string;
  env: string;
  value: string;
  /**
   * What the option needs set together with it, in words that follow
   * "together with" in advice (the variables that point the build script at
   * the library it links: `PQ_LIB_DIR pointing at ...`). Named on every build,
   * native or cross; where absent, a cross build is told the `*_DIR` variable
   * named after `env`.
   */
  with?: string;
}

export type StaticOption = FeatureStaticOption | EnvStaticOption;

/** A feature that opts into the system library although the crate builds statically without it. */
export interface DynamicOption {
  feature: string;
  versions: string;
  note?: string;
}

/** Features of a wrapper that bring the family's library in (for explanations and switch recipes). */
export interface NativeFeatures {
  versions: string;
  features: string[];
  note?: string;
}

/** `features.default` of a crate over a range of versions, as the index records it. */
export interface DefaultsClaim {
  versions: string;
  features: string[];
}

/**
 * How to move a wrapper off the native library by flipping its features, at a
 * range of its versions. Applied to a dependency declaration:
 * remove `disable` features; replace each `replace` key present by its value;
 * add `enable`; when `defaultFeatures` is false, write
 * `default-features = false` and list `restore` (the defaults still wanted).
 */
export interface SwitchRecipe {
  versions: string;
  /** Id of an alternative of the same entry. */
  to: string;
  disable: string[];
  replace: Record<string, string>;
  enable: string[];
  defaultFeatures: boolean;
  restore: string[];
  /** Ids of entries the switched-to features pull in (e.g. `ring`: C code built with the target's C compiler). */
  brings: string[];
  note?: string;
}

/**
 * Facts of a crate that differ by release, by target or with a feature on:
 * applied over the crate's own keys, in order, wherever `versions`, `target`
 * and `features` all match (each given condition). bzip2-sys before 0.1.9
 * always builds its bundled source; pcre2-sys does on musl targets; ring 0.16
 * carries `links = "ring-asm"`; onig_sys needs libclang with `generate` on.
 */
export interface CrateVariant {
  versions?: string;
  /** A target spec as in `[target.<spec>]` of a manifest: `cfg(target_env = "musl")` or a triple. */
  target?: string;
  /** Applies only with one of these features of the crate on. */
  features?: string[];
  withoutStatic?: WithoutStatic;
  withoutStaticNote?: string;
  buildRequires?: Requirement[];
  links?: string;
  linksPrefix?: string;
  note?: string;
}

export interface CrateSpec {
  name: string;
  role: CrateRole;
  /** Exact `links` value, when it does not change between releases. */
  links?: string;
  /** Prefix of `links` values that carry the version (`ring_core_0_17_8`, `aws_lc_0_16_0`). */
  linksPrefix?: string;
  /** For wrappers: the crates of the entry they reach the library through. */
  wraps: string[];
  /** For `sys` crates. */
  withoutStatic?: WithoutStatic;
  withoutStaticNote?: string;
  /** What building the bundled source needs, whichever option selects it. */
  buildRequires: Requirement[];
  staticOptions: StaticOption[];
  dynamicOptions: DynamicOption[];
  nativeFeatures: NativeFeatures[];
  defaults: DefaultsClaim[];
  switches: SwitchRecipe[];
  /** Facts that differ by release, target or feature (see `CrateVariant`); `crateAt` applies them. */
  variants: CrateVariant[];
  docs: string[];
  /** Index versions this crate's claims were checked against (recorded in test/fixtures/crates-index). */
  checkedAgainst: string[];
  note?: string;
}

/** A replacement for the native library: another crate (a code change) or a backend chosen by features. */
export interface Alternative {
  id: string;
  name: string;
  crates: string[];
  /** True when it builds no C at all. */
  pureRust: boolean;
  brings: string[];
  docs: string[];
  note?: string;
}

export interface KnowledgeBaseEntry {
  id: string;
  name: string;
  category: Category;
  /** The system library, as a distribution packages it (absent for links-only entries). */
  systemLibrary?: string;
  summary: string;
  crates: CrateSpec[];
  alternatives: Alternative[];
  docs: string[];
  /** Where the entry comes from: `knowledge-base/<file>` or `config`. */
  source: string;
}

export interface CompiledKnowledgeBase {
  /** Source files, relative to `knowledge-base/`. */
  sources: string[];
  entries: KnowledgeBaseEntry[];
}

/** A problem in an entry: `path` names the key, e.g. `knowledge-base[0].crates[1].static-options[0].versions`. */
export interface KnowledgeBaseIssue {
  path: string;
  message: string;
}

export interface CrateMatch {
  entry: KnowledgeBaseEntry;
  crate: CrateSpec;
}

export interface SwitchMatch extends CrateMatch {
  recipe: SwitchRecipe;
  alternative?: Alternative;
  /** The recipe of another release line, fitted to the features the version declares. */
  fitted?: boolean;
  /** The version is newer than every release the wrapper's facts were checked against: the newest checked one. */
  checkedUpTo?: string;
}

/** How a `-sys` crate ends up linked, given its version and activated features. */
export interface Linkage {
  /** `static-unless-found`: bundled-fallback without a static option (depends on what pkg-config finds). */
  kind: 'static' | 'static-unless-found' | 'system';
  /** The static option that is on. */
  via?: StaticOption;
  /** The feature that opts into the system library. */
  forcedBy?: DynamicOption;
  /** What the build needs for the static result (empty for `system`). */
  requires: Requirement[];
}

// ---------------------------------------------------------------------------
// Facts about single crates (`knowledge-base/crates/*.toml`, compiled into
// `knowledge-base/crates.json`)

/** A crate that loads shared libraries at run time (dlopen, LoadLibrary): always, or only with one of `features` on. */
export interface DlopenCrate {
  name: string;
  /** What it loads, in words that follow the crate's name in a message. */
  what: string;
  features?: string[];
  note?: string;
}

/** A resolver of a crate's own (in Rust, reading /etc/resolv.conf itself) at a range of its versions: the feature and the crate it turns on. */
export interface OwnResolver {
  versions: string;
  feature: string;
  crate: string;
}

/** A crate that resolves host names with the system resolver (getaddrinfo): always, or with one of `features` on, and none of `unless`. */
export interface NameResolutionCrate {
  name: string;
  what: string;
  features?: string[];
  unless?: string[];
  /** Its own resolver by version: with it in use (its crate in the graph, or its feature on), the crate does not use getaddrinfo. */
  ownResolver?: OwnResolver[];
  note?: string;
}

/** A multi-threaded runtime: always, or with one of `features` on. */
export interface RuntimeCrate {
  name: string;
  what: string;
  features?: string[];
  note?: string;
}

/** A global allocator that replaces the C library's malloc. */
export interface AllocatorCrate {
  name: string;
  note?: string;
}

/** What is known of crates' proc-macro status by name (each checked against published manifests). */
export interface ProcMacroFacts {
  /** Proc-macro crates whose name or dependencies do not give them away. */
  crates: string[];
  /** Crates whose names look like proc-macros but are libraries. */
  libraries: string[];
  /** Crates that were proc-macros in some versions only: those `versions`. */
  byVersion: { name: string; versions: string; note?: string }[];
}

export interface CrateFacts {
  dlopen: DlopenCrate[];
  nameResolution: NameResolutionCrate[];
  runtimes: RuntimeCrate[];
  allocators: AllocatorCrate[];
  procMacro: ProcMacroFacts;
}

export interface CompiledCrateFacts extends CrateFacts {
  /** Source files, relative to `knowledge-base/`. */
  sources: string[];
}

/** An empty set of crate facts, to merge files into. */
export function noCrateFacts(): CrateFacts {
  return { dlopen: [], nameResolution: [], runtimes: [], allocators: [], procMacro: { crates: [], libraries: [], byVersion: [] } };
}
