/**
 * A server's text for an error message: whitespace runs flattened to one space (a message stays one
 * line), cut to at most `maxChars` with an ellipsis, never leaving half a surrogate pair behind (it
 * would not survive a round trip through UTF-8). It is data from the server: renderers escape it where
 * it lands (HTML), never interpret it.
 */
export function excerpt(text: string, maxChars = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  let end = maxChars;
  const last = flat.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${flat.slice(0, end)}…`;
}
