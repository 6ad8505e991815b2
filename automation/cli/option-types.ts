import type { Argv, CamelCaseKey } from "yargs";

/**
 * Types read off yargs declarations, so that each option is declared once (its type,
 * default and help in one `.option(…)`) and the code that reads it gets that type.
 */

/** The options a builder or option helper declares, as yargs names them (`preview-only`). */
export type OptionsOf<B extends (...args: never[]) => unknown> = ReturnType<B> extends Argv<infer O> ? O : never;

/** The parsed arguments of a builder or option helper, by the names code reads (`--preview-only` is `previewOnly`). */
export type OptionArgs<B extends (...args: never[]) => unknown> = { [K in keyof OptionsOf<B> as CamelCaseKey<K>]: OptionsOf<B>[K] };
