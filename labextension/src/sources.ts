// The text a finding points into, as JupyterLab has it now: an open notebook's cell or an open editor's
// file (unsaved edits included), else the saved file read through the contents API. The sidebar shows the
// lines around a finding from it; a finding whose file cannot be read shows its evidence instead.
import { IDocumentManager } from '@jupyterlab/docmanager';
import { NotebookPanel } from '@jupyterlab/notebook';

import { cellIndex } from './navigate';

export interface ICellRef {
  cellId?: string | null;
  cell?: number | null; // 1-based
}

type NotebookJSON = { cells?: { id?: string; source?: string | string[] }[] };

const joined = (source: string | string[] | undefined) => (Array.isArray(source) ? source.join('') : source ?? '');

export class SourceReader {
  private cache = new Map<string, Promise<string | null>>();

  constructor(private docManager: IDocumentManager) {}

  /** Forget what was read: a new run may be about edited files. */
  clear(): void {
    this.cache.clear();
  }

  /** The text of a file, or of one cell when `cell` is given (the notebook at `path`); null if unreadable. */
  text(path: string, cell?: ICellRef): Promise<string | null> {
    const key = cell ? `${path}#${cell.cellId ?? ''}#${cell.cell ?? ''}` : path;
    let found = this.cache.get(key);
    if (!found) {
      found = this.read(path, cell).catch(() => null);
      this.cache.set(key, found);
    }
    return found;
  }

  /** What a contents path is: a notebook, another file, or a folder (an error when there is none). */
  async kind(path: string): Promise<'notebook' | 'file' | 'folder'> {
    const model = await this.docManager.services.contents.get(path, { content: false });
    return model.type === 'directory' ? 'folder' : model.type === 'notebook' ? 'notebook' : 'file';
  }

  /** The 1-based number of a cell in an open notebook, found by its id; null when it is not open. */
  cellNumber(path: string, cellId: string | null): number | null {
    const widget = this.docManager.findWidget(path);
    if (!cellId || !(widget instanceof NotebookPanel)) {
      return null;
    }
    try {
      return cellIndex(widget.content, { cellId }) + 1;
    } catch {
      return null;
    }
  }

  private async read(path: string, cell?: ICellRef): Promise<string | null> {
    const open = this.docManager.findWidget(path);
    if (cell) {
      if (open instanceof NotebookPanel && open.content.model) {
        const index = cellIndex(open.content, cell);
        return open.content.model.cells.get(index).sharedModel.getSource();
      }
      const model = await this.docManager.services.contents.get(path, { content: true, type: 'notebook' });
      const cells = (model.content as NotebookJSON).cells || [];
      const byId = cell.cellId ? cells.find(c => c.id === cell.cellId) : undefined;
      const chosen = byId || (cell.cell ? cells[cell.cell - 1] : undefined);
      return chosen ? joined(chosen.source) : null;
    }
    if (open && open.context && !(open instanceof NotebookPanel)) {
      return open.context.model.toString();
    }
    const model = await this.docManager.services.contents.get(path, { content: true, type: 'file', format: 'text' });
    return typeof model.content === 'string' ? model.content : null;
  }
}
