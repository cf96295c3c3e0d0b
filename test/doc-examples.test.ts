import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

// The TypeScript examples of the READMEs and docs are what integrators copy
// first: each is compiled against the packages' published types, so an API
// change that breaks one fails here, not in a user's editor. Examples that
// continue an earlier one use names it defined; those are declared below.
const root = fileURLToPath(new URL('../', import.meta.url));

const documents = [
  'README.md',
  ...readdirSync(`${root}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...readdirSync(`${root}packages`).map((p) => `packages/${p}/README.md`),
  ...readdirSync(`${root}examples`).map((e) => `examples/${e}/README.md`),
].filter((path) => ts.sys.fileExists(`${root}${path}`));

/** Names an example may use without defining, as the text around it introduces them. */
const CONTEXT = `
import type { ChannelInput, EntryCache as EntryCacheClass, M3uGenerator } from '@m3ugen/core';
import type { ChannelReader } from '@m3ugen/reader';
import type { Writable } from 'node:stream';
declare global {
  const generator: M3uGenerator;
  const channels: ChannelInput;
  const updatedChannels: ChannelInput;
  const reader: ChannelReader;
  const output: Writable;
  const response: { write(chunk: string): void };
  const EntryCache: typeof EntryCacheClass;
}
export {};
`;

interface Example {
  readonly document: string;
  /** One-based line of the example's first line in its document. */
  readonly line: number;
  readonly code: string;
}

function examplesOf(document: string): Example[] {
  const lines = readFileSync(`${root}${document}`, 'utf8').split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    found.push({ document, line: i + 2, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return found;
}

it('every TypeScript example in the READMEs and docs compiles against the packages', () => {
  const examples = documents.flatMap(examplesOf);
  expect(examples.length).toBeGreaterThan(15);
  // Virtual files beside this test, so '@m3ugen/…' resolves as it does for a user of the workspace.
  const virtual = new Map<string, string>([[`${root}test/doc-examples.context.d.ts`, CONTEXT]]);
  const fileOf = new Map<string, Example>();
  examples.forEach((example, n) => {
    const file = `${root}test/doc-example-${n}.ts`;
    // `export {}`: a module, so an example's top-level await and names are its own.
    virtual.set(file, `${example.code}\nexport {};\n`);
    fileOf.set(file, example);
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const text = virtual.get(file);
    return text === undefined ? getSourceFile.call(host, file, language, ...rest) : ts.createSourceFile(file, text, language);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const example = d.file === undefined ? undefined : fileOf.get(d.file.fileName);
    const at = d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
    const where = example === undefined ? (d.file?.fileName ?? '(program)') : `${example.document}:${example.line + at}`;
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(problems).toEqual([]);
});
