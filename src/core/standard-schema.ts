/**
 * The Standard Schema interface (https://standardschema.dev, v1), declared here so that runtime
 * validation needs no dependency: zod (3.24+), valibot (1.0+) and arktype (2.0+) schemas all
 * carry a `~standard` property of this shape, and so can a hand-written object.
 */

/** A schema: anything with a `~standard` property (zod, valibot, arktype, or your own). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

/** The `~standard` property of a Standard Schema. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  /** Always 1 (the version of the interface). */
  readonly version: 1;
  /** The library that made the schema (`zod`, `valibot`…). */
  readonly vendor: string;
  /** Validate a value: the output value, or the issues; may be asynchronous. */
  readonly validate: (
    value: unknown,
  ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  /** Type-level only: the input and output types (never read at run time). */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
}

/** What `validate` returns: `{ value }` when valid, `{ issues }` when not. */
export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardSchemaIssue[] };

/** One problem found by a schema. */
export interface StandardSchemaIssue {
  /** What is wrong, in the schema library's words. */
  readonly message: string;
  /** Where: keys from the root (`['metadata', 'width']`), plain or as `{ key }` segments. */
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/** The output type of a schema (what it accepts, after its transforms). */
export type StandardSchemaOutput<S extends StandardSchemaV1> = NonNullable<
  S['~standard']['types']
>['output'];

/**
 * Run `schema` on `value`: null when valid, else one line naming every issue
 * (`file_size: Expected number, received string; media_type: Required`).
 */
export async function schemaProblem(
  schema: StandardSchemaV1,
  value: unknown,
): Promise<string | null> {
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (!result.issues) return null;
  if (result.issues.length === 0) return 'invalid (the schema gave no reason)';
  return result.issues
    .map((issue) => {
      const path = (issue.path ?? [])
        .map((s) => String(typeof s === 'object' && s !== null ? s.key : s))
        .join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
