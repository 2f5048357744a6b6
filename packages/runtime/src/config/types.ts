import type { Static, TObject } from '@sinclair/typebox';

/** One value for one option, as found in one source, before coercion. */
export interface Assignment {
  readonly key: string;
  readonly raw: unknown;
  /** Where it came from, for error messages: `flag --listen`, `env CORRAL_LISTEN`, `file /x.yaml: listen`. */
  readonly source: string;
}

/** What a configuration source yielded: assignments, and every problem it found. */
export interface SourceResult {
  readonly assignments: readonly Assignment[];
  readonly problems: readonly string[];
}

/** A command-line flag: the dotted option path it sets and an optional one-letter alias. */
export interface FlagDef {
  readonly option: string;
  readonly short?: string;
}

/** Flag name (without dashes) → option path, or a full definition. */
export type FlagSpec = Readonly<Record<string, string | FlagDef>>;

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Given an option's value, returns what is wrong with it, or undefined. */
export type OptionCheck = (value: unknown) => string | undefined;

export interface LoadConfigOptions<S extends TObject> {
  /** TypeBox schema of the service's options. */
  readonly schema: S;
  /** Defaults; the lowest-precedence source. */
  readonly defaults: DeepPartial<Static<S>>;
  readonly flags: FlagSpec;
  /** Prefix of environment variables, e.g. `CORRAL_`; option `tls.cert` reads `CORRAL_TLS_CERT`. */
  readonly envPrefix: string;
  /** Command-line arguments after the program (and subcommand) name. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Flag naming a YAML config file (also `<prefix>CONFIG`); `false` disables files. Default `config`. */
  readonly configFileFlag?: string | false;
  /** Report environment variables with the prefix that name no option. Default true. */
  readonly rejectUnknownEnv?: boolean;
  /** Reads the config file; injectable for tests. Default `fs.readFileSync(path, 'utf8')`. */
  readonly readFile?: (path: string) => string;
  /**
   * Extra per-option checks run on schema-valid values (e.g. `listen: listenAddressCheck()`); each returns
   * a problem, reported with the value's source, or undefined when the value is fine.
   */
  readonly checks?: Readonly<Record<string, OptionCheck>>;
  /** Cross-field checks on the validated config; returns problems (empty when fine). */
  readonly refine?: (config: Static<S>) => readonly string[];
}

/** A service's loadConfig options without the per-call argv and env: shared by loading and `--help`. */
export type LoadConfigSpec<S extends TObject> = Omit<LoadConfigOptions<S>, 'argv' | 'env'>;
