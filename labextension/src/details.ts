// The details of one finding, shared by the sidebar and the findings renderer: where it is (a link), the code
// with line numbers and the flagged lines marked, why it matters and what to do (Markdown), the fix, references.
import { IFinding, IFlowStep, ILocation, el, locationLabel, referenceNode } from './model';
import { IMarkdown, highlightedLines, markdownInto, plainLines } from './richtext';

const CONTEXT_LINES = 2; // shown above and below the flagged lines
const MAX_FLAGGED_LINES = 8; // a whole function flagged (complexity) shows its first lines only

export interface IDetailsOptions {
  markdown: IMarkdown | null;
  where: string; // the location, as the list shows it
  goto: (() => void) | null; // the location becomes a link when given
  // the steps of a dataflow path become links when given: to a file or cell of the same review
  gotoLocation?: ((location: ILocation) => void) | null;
  // the text of the file or the cell the finding is in, as it is now; the evidence is shown without it
  source?: string | null | Promise<string | null>;
}

export interface ISnippet {
  first: number | null; // the number of lines[0]; null when the lines have no known position
  lines: string[];
  flagged: [number, number] | null; // first and last flagged line numbers
  fromSource: boolean;
}

/** The lines to show: around the flagged ones in the source, else the evidence at the finding's line. */
export function snippetOf(finding: IFinding, source: string | null): ISnippet | null {
  const line = finding.location.line;
  if (source !== null && line) {
    const all = source.split(/\r?\n/);
    if (line <= all.length) {
      const end = Math.min(Math.max(finding.location.end_line || line, line), all.length, line + MAX_FLAGGED_LINES - 1);
      const first = Math.max(1, line - CONTEXT_LINES);
      const last = Math.min(all.length, end + CONTEXT_LINES);
      return { first, lines: all.slice(first - 1, last), flagged: [line, end], fromSource: true };
    }
  }
  if (!finding.evidence) {
    return null;
  }
  const lines = finding.evidence.replace(/\n+$/, '').split('\n');
  return line
    ? { first: line, lines, flagged: [line, line + lines.length - 1], fromSource: false }
    : { first: null, lines, flagged: null, fromSource: false };
}

function codeRows(snippet: ISnippet, content: Node[][]): HTMLElement[] {
  return snippet.lines.map((_, index) => {
    const number = snippet.first === null ? null : snippet.first + index;
    const flagged = !!snippet.flagged && number !== null && number >= snippet.flagged[0] && number <= snippet.flagged[1];
    const row = el('div', {
      class: `bumba-code-line${flagged ? ' bumba-code-flagged' : ''}`,
      ...(number === null ? {} : { 'data-line': String(number) })
    });
    if (snippet.first !== null) {
      row.appendChild(el('span', { class: 'bumba-code-gutter', 'aria-hidden': 'true' }, String(number)));
    }
    const text = el('span', { class: 'bumba-code-text' });
    for (const node of content[index] || []) {
      text.appendChild(node);
    }
    row.appendChild(text);
    return row;
  });
}

/** A code block: plain at once, syntax-coloured as soon as the highlighter has run. */
export function codeBlock(snippet: ISnippet, path: string | null, language?: string): HTMLElement {
  const label = snippet.first === null
    ? 'code'
    : `code, lines ${snippet.first}–${snippet.first + snippet.lines.length - 1}`;
  const block = el('div', {
    class: `bumba-code${snippet.first === null ? ' bumba-code-unnumbered' : ''}`, role: 'group', 'aria-label': label
  }, ...codeRows(snippet, plainLines(snippet.lines.join('\n'))));
  void highlightedLines(snippet.lines.join('\n'), path, language).then(lines => {
    block.replaceChildren(...codeRows(snippet, lines));
  });
  return block;
}

const squash = (text: string) => text.replace(/\s+/g, '');

/** The steps a report's JSON gives, as far as they are steps: it may come from a saved notebook. */
function flowSteps(finding: IFinding): IFlowStep[] {
  const flow = Array.isArray(finding.flow) ? finding.flow : [];
  return flow.filter(step => step && typeof step === 'object' && typeof step.label === 'string');
}

/** The path from the source of the data to the sink, source first; each step a link to where it is. */
function flowList(steps: IFlowStep[], gotoLocation: ((location: ILocation) => void) | null): HTMLElement {
  const list = el('ol', { class: 'bumba-flow' });
  for (const step of steps) {
    const location: ILocation = { path: step.path, line: step.line, column: step.column, cell: step.cell };
    const where = locationLabel(location);
    const place = gotoLocation
      ? el('a', { href: '#', class: 'bumba-location-link bumba-flow-place', title: `Go to ${where}` }, where)
      : el('span', { class: 'bumba-flow-place' }, where);
    if (gotoLocation) {
      place.addEventListener('click', event => {
        event.preventDefault();
        event.stopPropagation();
        gotoLocation(location);
      });
    }
    list.appendChild(el('li', { class: 'bumba-flow-step' }, place,
      step.code ? el('code', { class: 'bumba-flow-code' }, step.code) : null,
      el('span', { class: 'bumba-flow-label' }, step.label)));
  }
  return list;
}

export function findingDetails(finding: IFinding, options: IDetailsOptions): HTMLElement {
  const box = el('div', { class: 'bumba-details' });
  const section = (label: string, ...body: Node[]) =>
    box.appendChild(el('div', { class: 'bumba-detail' }, el('div', { class: 'bumba-detail-label' }, label), ...body));
  const markdown = (source: string) => {
    const host = el('div', {});
    void markdownInto(host, source, options.markdown);
    return host;
  };

  const where = options.goto
    ? el('a', { href: '#', class: 'bumba-location-link', title: `Go to ${options.where}` }, options.where)
    : el('span', { class: 'bumba-location' }, options.where);
  if (options.goto) {
    const goto = options.goto;
    where.addEventListener('click', event => {
      event.preventDefault();
      event.stopPropagation();
      goto();
    });
  }
  section('Location', where);
  const steps = flowSteps(finding);
  if (steps.length) {
    section('Path', flowList(steps, options.gotoLocation ?? null));
  }
  if (Array.isArray(finding.also_reported) && finding.also_reported.length) {
    section('Also reported as', el('span', {}, finding.also_reported.filter(code => typeof code === 'string').join(', ')));
  }

  // the code: from the source when it can be read (the evidence too when it says more), else the evidence
  const path = finding.location.path || null;
  const code = el('div', { class: 'bumba-detail bumba-detail-code' });
  const showCode = (source: string | null) => {
    code.textContent = '';
    const snippet = snippetOf(finding, source);
    if (!snippet) {
      return;
    }
    code.appendChild(el('div', { class: 'bumba-detail-label' }, snippet.fromSource ? 'Code' : 'Evidence'));
    code.appendChild(codeBlock(snippet, path));
    if (snippet.fromSource && finding.evidence && !squash(snippet.lines.join('\n')).includes(squash(finding.evidence))) {
      code.appendChild(el('div', { class: 'bumba-detail-label' }, 'Evidence'));
      code.appendChild(codeBlock({ first: null, lines: finding.evidence.split('\n'), flagged: null, fromSource: false }, path));
    }
  };
  const source = options.source;
  if (source instanceof Promise) {
    showCode(null);
    void source.then(showCode, () => undefined);
  } else {
    showCode(source ?? null);
  }
  box.appendChild(code);

  if (finding.why) {
    section('Why it matters', markdown(finding.why));
  }
  if (finding.recommendation) {
    section('What to do', markdown(finding.recommendation));
  }
  if (finding.fix) {
    const fix: Node[] = [markdown(finding.fix.description)];
    if (finding.fix.code) {
      fix.push(codeBlock({ first: null, lines: finding.fix.code.replace(/\n+$/, '').split('\n'), flagged: null, fromSource: false }, path));
    }
    if (finding.fix.patch) {
      fix.push(codeBlock({ first: null, lines: finding.fix.patch.replace(/\n+$/, '').split('\n'), flagged: null, fromSource: false }, path, 'diff'));
    }
    section('Fix', ...fix);
  }
  if (finding.references && finding.references.length) {
    const list = el('span', {});
    finding.references.forEach((reference, index) => {
      if (index) {
        list.appendChild(document.createTextNode(', '));
      }
      list.appendChild(referenceNode(reference));
    });
    section('References', list);
  }
  const meta = [finding.category, finding.analyzer, finding.engine].filter(Boolean).join(' · ');
  box.appendChild(el('div', { class: 'bumba-meta' }, meta));
  return box;
}
