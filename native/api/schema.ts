// Payload validators for the contract: each checks an unknown value from the other side of
// a transport and returns it typed, or throws an ApiError that says which field is wrong.

export class ApiError extends Error {
  override readonly name = 'ApiError';
}

export interface Schema<T> {
  /** Returns the value typed, or throws ApiError naming `path`. */
  parse(value: unknown, path?: string): T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function schema<T>(parse: (value: unknown, path: string) => T): Schema<T> {
  return { parse: (value, path = 'payload') => parse(value, path) };
}

const fail = (path: string, expected: string): never => {
  throw new ApiError(`${path} must be ${expected}`);
};

export const string = (options: { maxLength?: number; pattern?: RegExp } = {}): Schema<string> =>
  schema((value, path) => {
    if (typeof value !== 'string') return fail(path, 'a string');
    if (value.length > (options.maxLength ?? 1024)) return fail(path, `at most ${options.maxLength ?? 1024} characters`);
    if (options.pattern && !options.pattern.test(value)) return fail(path, `of the form ${options.pattern}`);
    return value;
  });

export const integer = (min: number, max: number): Schema<number> =>
  schema((value, path) => (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fail(path, `a whole number from ${min} to ${max}`)));

export const boolean = (): Schema<boolean> => schema((value, path) => (typeof value === 'boolean' ? value : fail(path, 'true or false')));

export const literal = <T extends string>(...choices: readonly T[]): Schema<T> =>
  schema((value, path) => (choices.includes(value as T) ? (value as T) : fail(path, `one of ${choices.join(', ')}`)));

export const bytes = (maxLength = 1 << 20): Schema<Uint8Array> =>
  schema((value, path) => {
    if (!(value instanceof Uint8Array)) return fail(path, 'bytes');
    return value.length <= maxLength ? value : fail(path, `at most ${maxLength} bytes`);
  });

export const array = <T>(item: Schema<T>, maxLength = 256): Schema<T[]> =>
  schema((value, path) => {
    if (!Array.isArray(value)) return fail(path, 'a list');
    if (value.length > maxLength) return fail(path, `a list of at most ${maxLength}`);
    return value.map((entry, index) => item.parse(entry, `${path}[${index}]`));
  });

export const optional = <T>(inner: Schema<T>): Schema<T | undefined> =>
  schema((value, path) => (value === undefined ? undefined : inner.parse(value, path)));

type Shape = Record<string, Schema<unknown>>;
type ObjectOf<S extends Shape> = { [K in keyof S as undefined extends Infer<S[K]> ? never : K]: Infer<S[K]> }
  & { [K in keyof S as undefined extends Infer<S[K]> ? K : never]?: Exclude<Infer<S[K]>, undefined> };

/** An object with exactly these keys; unknown keys are refused (nothing unchecked gets through). */
export const object = <S extends Shape>(shape: S): Schema<ObjectOf<S>> =>
  schema((value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) return fail(path, 'an object');
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) if (!(key in shape)) throw new ApiError(`${path}.${key} is not expected`);
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const parsed = field.parse(record[key], `${path}.${key}`);
      if (parsed !== undefined) out[key] = parsed;
    }
    return out as ObjectOf<S>;
  });
