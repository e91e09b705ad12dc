// Text the extension did not write, shown as more than text: a finding's Markdown (why, recommendation, fix)
// through JupyterLab's Markdown parser and its HTML sanitizer, and code through JupyterLab's own syntax
// highlighter, whose classes are coloured by the theme's --jp-mirror-editor-* variables (light and dark alike).
import { IEditorLanguage, IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { renderMarkdown } from '@jupyterlab/rendermime';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';

export interface IMarkdown {
  parser: IRenderMime.IMarkdownParser;
  sanitizer: IRenderMime.ISanitizer;
}

let languages: IEditorLanguageRegistry | null = null;

/**
 * Set by the plugin when it starts. The findings renderer is a MIME extension, which cannot ask for the
 * language registry itself; both live in this package's one module scope, so it reads it from here (and
 * shows plain code until then).
 */
export function useLanguages(registry: IEditorLanguageRegistry | null): void {
  languages = registry;
}

/** The Markdown as sanitised HTML in `host` (always untrusted: it came from the code under review). */
export async function markdownInto(host: HTMLElement, source: string, markdown: IMarkdown | null): Promise<void> {
  host.classList.add('bumba-md');
  if (!markdown) {
    host.textContent = source;
    return;
  }
  try {
    await renderMarkdown({
      host,
      source,
      trusted: false,
      sanitizer: markdown.sanitizer,
      markdownParser: markdown.parser,
      resolver: null,
      linkHandler: null,
      latexTypesetter: null,
      shouldTypeset: false
    });
  } catch (error) {
    console.warn('bumba: cannot render Markdown, showing it as text', error);
    host.textContent = source;
  }
}

function languageFor(path: string | null, name?: string): IEditorLanguage | null {
  if (!languages) {
    return null;
  }
  if (name) {
    return languages.findByName(name);
  }
  // notebook cells and cell bodies: Python, the only kernel language bumba reviews
  if (!path || path === '<cell>' || path.endsWith('.ipynb')) {
    return languages.findByName('python');
  }
  return languages.findByFileName(path);
}

/**
 * The code split into lines, each a list of nodes: syntax-coloured spans when JupyterLab knows the
 * language, else text. Highlighting the whole text at once (not line by line) keeps multi-line strings right;
 * the highlighter emits flat spans, so splitting them at newlines is enough.
 */
export async function highlightedLines(code: string, path: string | null, language?: string): Promise<Node[][]> {
  const holder = document.createElement('div');
  const found = languageFor(path, language);
  try {
    if (languages && found) {
      await languages.highlight(code, found, holder);
    } else {
      holder.textContent = code;
    }
  } catch (error) {
    console.warn('bumba: cannot highlight code, showing it as text', error);
    holder.textContent = code;
  }
  return splitLines(holder);
}

export function plainLines(code: string): Node[][] {
  return code.split('\n').map(line => (line ? [document.createTextNode(line)] : []));
}

function splitLines(holder: HTMLElement): Node[][] {
  const lines: Node[][] = [[]];
  for (const child of Array.from(holder.childNodes)) {
    const className = child instanceof HTMLElement ? child.className : null;
    (child.textContent || '').split('\n').forEach((part, index) => {
      if (index > 0) {
        lines.push([]);
      }
      if (!part) {
        return;
      }
      if (className) {
        const span = document.createElement('span');
        span.className = className;
        span.textContent = part;
        lines[lines.length - 1].push(span);
      } else {
        lines[lines.length - 1].push(document.createTextNode(part));
      }
    });
  }
  return lines;
}
