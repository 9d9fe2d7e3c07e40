import { Script } from 'node:vm';
import { CONSOLE_CSP, CONSOLE_CSS, CONSOLE_HTML } from './console-page.assets';
import { CONSOLE_JS } from './console-script.assets';

describe('the auditor console assets', () => {
  it('the script is valid JavaScript', () => {
    expect(() => new Script(CONSOLE_JS, { filename: 'console.js' })).not.toThrow();
  });

  it('every element the script looks up by id is on the page, once', () => {
    const used = new Set([...CONSOLE_JS.matchAll(/\$\('([\w-]+)'\)/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(20);
    for (const id of used) expect({ id, onPage: CONSOLE_HTML.split(`id="${id}"`).length - 1 }).toEqual({ id, onPage: 1 });
  });

  it('the page loads its one script and one style sheet from this service and nothing inline', () => {
    const scripts = [...CONSOLE_HTML.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((s) => [s[1].trim(), s[2]])).toEqual([['type="module" src="/console/console.js"', '']]);
    expect([...CONSOLE_HTML.matchAll(/<link\b[^>]*href="([^"]*)"/g)].map((m) => m[1])).toEqual(['data:,', '/console/console.css']);
    expect(CONSOLE_HTML).not.toMatch(/\son[a-z]+=|\sstyle=|<style|javascript:/i);
  });

  it('nothing is fetched from elsewhere: no absolute URL but the SVG namespace, no import', () => {
    for (const text of [CONSOLE_HTML, CONSOLE_CSS, CONSOLE_JS])
      expect([...text.matchAll(/(?:https?:)?\/\/[\w.-]+\.[a-z]{2,}[^\s'"]*/gi)].map((m) => m[0])).toEqual(
        text === CONSOLE_JS ? ['http://www.w3.org/2000/svg'] : [],
      );
    expect(CONSOLE_JS).not.toMatch(/\bimport\s*[({'"\w]|@import|eval\(|new Function|innerHTML|localStorage/);
    expect(CONSOLE_CSS).not.toMatch(/@import|url\(/);
  });

  it('the token goes only into an Authorization header and sessionStorage, never into a URL', () => {
    expect(CONSOLE_JS).toMatch(/headers\.authorization = 'Bearer ' \+ t;/);
    expect(CONSOLE_JS).toMatch(/sessionStorage\.setItem\(TOKEN_KEY, value\)/);
    expect(CONSOLE_JS).not.toMatch(/[?&](?:token|access_token)=/);
  });

  it('the policy allows this origin only: no inline or eval, no framing, no form posts', () => {
    const directives = Object.fromEntries(CONSOLE_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'frame-ancestors': ["'none'"],
      'form-action': ["'none'"],
    });
    expect(CONSOLE_CSP).not.toMatch(/unsafe|\*/);
  });
});
