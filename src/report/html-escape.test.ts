import { describe, expect, it } from 'vitest';
import { escapeHtml, inlineScriptSource, jsonForScript } from './html-escape.js';

const HOSTILE = `</script><script>alert(1)</script><img src=x onerror="alert('x')">&amp;`;

describe('escapeHtml', () => {
  it('escapes every character that can start markup or end an attribute', () => {
    expect(escapeHtml(HOSTILE)).toBe(
      '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;amp;',
    );
    expect(escapeHtml('plain model-name_1.5')).toBe('plain model-name_1.5');
  });
});

describe('jsonForScript', () => {
  it('contains no "<", ">" or "&" at all, so nothing can close the script element', () => {
    const out = jsonForScript({ model: HOSTILE, line: 'a\u2028b' });
    expect(out).not.toMatch(/[<>&\u2028]/);
    expect(out).toContain('\\u003c/script\\u003e');
  });

  it('parses back to exactly the same value', () => {
    const value = { model: HOSTILE, n: [1, 2.5, null], nested: { s: '\u2029' } };
    expect(JSON.parse(jsonForScript(value))).toEqual(value);
  });
});

describe('inlineScriptSource', () => {
  it('neutralises a closing tag or comment opener inside library code without changing its meaning', () => {
    const src = 'var s = "</script>"; var c = "<!--";';
    const safe = inlineScriptSource(src);
    expect(safe).not.toMatch(/<\/script|<!--/i);
    // Same strings once evaluated.
    expect(new Function(`${safe}; return [s, c];`)()).toEqual(['</script>', '<!--']);
  });
});
