/**
 * Escaping for the HTML report. Every string in it that came from the server or the user (model
 * names, labels, error messages, the /v1/models answer) passes through one of these; a hostile
 * server must not be able to put markup, let alone script, into the page.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/**
 * JSON to embed in `<script type="application/json">`, read back with JSON.parse(el.textContent).
 * `<`, `>` and `&` become \u escapes, so no string inside can close the script element (`</script>`)
 * or open a comment; U+2028 and U+2029 too, which some JavaScript parsers take as line ends. The
 * result is still exactly the same JSON value. Never concatenated into script code.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A library's source, made safe to inline in a `<script>` element: a `</script` or `<!--` inside it
 * would end or disturb the element. Both can only occur inside strings or regular expressions, where
 * `<\/` and `<\!` mean the same characters.
 */
export function inlineScriptSource(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
