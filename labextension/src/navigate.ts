// Going to where a finding is: a file opened at its line, or a notebook scrolled to its cell with the cell
// highlighted. Used by the sidebar (a click on a finding) and by the kernel's "goto" message (frontend.ts).
import { JupyterFrontEnd } from '@jupyterlab/application';
import { PathExt } from '@jupyterlab/coreutils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { Notebook, NotebookPanel } from '@jupyterlab/notebook';

export const HIGHLIGHT_CLASS = 'bumba-highlight';
const HIGHLIGHT_MS = 4000;

export interface ICellTarget {
  cellId?: string | null;
  cell?: number | null; // 1-based position, used when there is no id (or it is not found)
  line?: number | null; // 1-based line within the cell
  column?: number | null;
}

export class Navigator {
  constructor(
    private app: JupyterFrontEnd,
    private docManager: IDocumentManager
  ) {}

  /** Open a contents path; a notebook is scrolled to the cell, any other file to the line. */
  async open(path: string, target: ICellTarget): Promise<void> {
    const widget = this.docManager.openOrReveal(path);
    if (!widget) {
      throw new Error(`cannot open ${path}`);
    }
    await widget.context.ready;
    await widget.revealed;
    if (widget instanceof NotebookPanel) {
      await this.scrollToCell(widget, target);
      return;
    }
    const content = widget.content as any;
    const editor = content && content.editor;
    if (editor && target.line) {
      const position = { line: Math.max(0, target.line - 1), column: Math.max(0, (target.column || 1) - 1) };
      editor.setCursorPosition(position);
      if (editor.revealPosition) {
        editor.revealPosition(position);
      }
      editor.focus();
    }
  }

  /** Make the cell active, scroll it to the middle of the view and highlight it for a moment. */
  async scrollToCell(panel: NotebookPanel, target: ICellTarget): Promise<number> {
    this.app.shell.activateById(panel.id);
    const notebook = panel.content;
    const index = cellIndex(notebook, target);
    notebook.activeCellIndex = index;
    notebook.deselectAll();
    await notebook.scrollToItem(index, 'center');
    const cell = notebook.widgets[index];
    if (cell) {
      cell.node.classList.add(HIGHLIGHT_CLASS);
      window.setTimeout(() => cell.node.classList.remove(HIGHLIGHT_CLASS), HIGHLIGHT_MS);
      if (target.line && cell.editor) {
        cell.editor.setCursorPosition({
          line: Math.max(0, Math.min(target.line - 1, cell.editor.lineCount - 1)),
          column: Math.max(0, (target.column || 1) - 1)
        });
      }
    }
    return index;
  }
}

/** The 0-based index of the cell with that id, else at that 1-based position; an error when neither. */
export function cellIndex(notebook: Notebook, target: ICellTarget): number {
  const cells = notebook.model ? Array.from(notebook.model.cells) : [];
  if (target.cellId) {
    const found = cells.findIndex(cell => cell.id === target.cellId);
    if (found >= 0) {
      return found;
    }
  }
  if (target.cell && target.cell >= 1 && target.cell <= cells.length) {
    return target.cell - 1;
  }
  if (target.cellId) {
    throw new Error(`no cell with id ${target.cellId} in this notebook`);
  }
  throw new Error(
    target.cell ? `the notebook has ${cells.length} cells, not ${target.cell}` : 'no cell given'
  );
}

/** A contents path for a path relative to `folder`, or an absolute one under the server root. */
export function contentsPath(path: string, folder: string, rootDir: string | null): string {
  if (path.startsWith('/')) {
    const root = rootDir ? rootDir.replace(/\/+$/, '') : null;
    if (root !== null && (path === root || path.startsWith(root + '/'))) {
      return path.slice(root.length).replace(/^\/+/, '');
    }
    throw new Error(`${path} is outside the Jupyter server's root`);
  }
  const joined = PathExt.normalize(PathExt.join(folder, path));
  if (joined === '..' || joined.startsWith('../')) {
    throw new Error(`${path} is outside the Jupyter server's root`);
  }
  return joined;
}
