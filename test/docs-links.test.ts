import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every Markdown file a reader opens: the README, docs/, and each package's and example's README. */
function markdownFiles(): string[] {
  const files = [join(root, 'README.md')];
  for (const file of readdirSync(join(root, 'docs'))) if (file.endsWith('.md')) files.push(join(root, 'docs', file));
  for (const folder of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, folder))) {
      const readme = join(root, folder, name, 'README.md');
      if (existsSync(readme)) files.push(readme);
    }
  }
  return files;
}

const FENCED = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm;

/** The text with fenced code blocks emptied (their lines kept, so line numbers hold) and inline code dropped. */
function prose(text: string): string {
  return text.replace(FENCED, (block) => block.replace(/[^\n]/g, '')).replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, a repeated one numbered. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = text.replace(FENCED, '');
  for (const match of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = match[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

interface Link {
  readonly from: string;
  readonly line: number;
  readonly target: string;
}

function linksIn(file: string): Link[] {
  const links: Link[] = [];
  prose(readFileSync(file, 'utf8'))
    .split('\n')
    .forEach((text, i) => {
      for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = match[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto: …: not ours to check offline
        links.push({ from: relative(root, file), line: i + 1, target });
      }
    });
  return links;
}

/** What is wrong with a relative link, or undefined when its file (and heading) exist. */
function brokenReason(link: Link): string | undefined {
  const [path, anchor] = link.target.split('#', 2) as [string, string | undefined];
  const file = path === '' ? join(root, link.from) : resolve(root, dirname(link.from), decodeURIComponent(path));
  if (!existsSync(file)) return `no file ${relative(root, file)}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(file).isDirectory() || !file.endsWith('.md')) return `#${anchor} on a file that is not Markdown`;
  return anchorsOf(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor)) ? undefined : `no heading #${anchor} in ${relative(root, file)}`;
}

describe('links between the Markdown files', () => {
  it('reach a file that exists and, with a #fragment, a heading in it', () => {
    const links = markdownFiles().flatMap(linksIn);
    const broken = links.flatMap((link) => {
      const reason = brokenReason(link);
      return reason === undefined ? [] : [`${link.from}:${link.line}: (${link.target}): ${reason}`];
    });
    expect(links.length).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });

  it('takes anchors as GitHub makes them', () => {
    expect([...anchorsOf('# Performance\n## Every URL scheme that says what it reads (session 32)\n## `EntryCache` options\n## Notes\n## Notes\n')]).toEqual([
      'performance',
      'every-url-scheme-that-says-what-it-reads-session-32',
      'entrycache-options',
      'notes',
      'notes-1',
    ]);
  });
});
