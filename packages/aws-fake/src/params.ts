// Request parameters as the fake reads them: the wire gives strings (query protocol) or JSON values,
// and a parameter that is absent or of another shape than expected reads as the fallback, not as
// "[object Object]".

/** A scalar parameter as text: strings as they are, numbers and booleans written out, else `fallback`. */
export function text(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return fallback;
}
