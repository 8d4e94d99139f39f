/**
 * A server's text, flattened to one line and cut to `maxChars`, for error messages. It is data from the
 * server: renderers escape it where it lands (HTML), never interpret it.
 */
export function excerpt(s: string, maxChars = 500): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  if (!flat) return '(empty body)';
  return flat.length > maxChars ? `${flat.slice(0, maxChars)}…` : flat;
}
