// The "bumba.frontend" comm target: how code in the kernel (the findings widget, %bumba implement) asks the
// notebook to insert a cell or go to a finding. The protocol is written down in labextension/README.md.
import { PathExt } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel, KernelMessage } from '@jupyterlab/services';

import { Navigator, cellIndex, contentsPath } from './navigate';

export const COMM_TARGET = 'bumba.frontend';

type Reply = { ok: true; [key: string]: unknown } | { ok: false; error: string };

const registered = new WeakSet<Kernel.IKernelConnection>();

/** Register the comm target on the kernel of every notebook, now and whenever a kernel changes. */
export function registerFrontendComm(
  tracker: INotebookTracker,
  navigator: Navigator,
  rootDir: () => Promise<string | null>
): void {
  const hook = (panel: NotebookPanel) => {
    const register = (kernel: Kernel.IKernelConnection | null | undefined) => {
      if (!kernel || registered.has(kernel)) {
        return;
      }
      registered.add(kernel);
      kernel.registerCommTarget(COMM_TARGET, (comm, message) => {
        void answer(panel, navigator, rootDir, message).then(reply => {
          comm.send(reply as any);
          comm.close();
        });
      });
    };
    register(panel.sessionContext.session?.kernel);
    panel.sessionContext.kernelChanged.connect((_, change) => register(change.newValue));
  };
  tracker.forEach(hook);
  tracker.widgetAdded.connect((_, panel) => hook(panel));
}

async function answer(
  panel: NotebookPanel,
  navigator: Navigator,
  rootDir: () => Promise<string | null>,
  message: KernelMessage.ICommOpenMsg
): Promise<Reply> {
  const data = (message.content.data || {}) as { [key: string]: any };
  try {
    if (data.action === 'insert-cell') {
      return insertCell(panel, data);
    }
    if (data.action === 'goto') {
      return await goto(panel, navigator, rootDir, data);
    }
    return { ok: false, error: `unknown action ${JSON.stringify(data.action)}: insert-cell or goto` };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function optionalString(data: { [key: string]: any }, key: string): string | null {
  const value = data[key];
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'string') {
    throw new Error(`'${key}' must be a string or null`);
  }
  return value;
}

function optionalNumber(data: { [key: string]: any }, key: string): number | null {
  const value = data[key];
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`'${key}' must be a positive integer or null`);
  }
  return value;
}

/** A new code cell below the cell `cell_id` (else below the active cell). Never executed. */
function insertCell(panel: NotebookPanel, data: { [key: string]: any }): Reply {
  const code = data.code;
  if (typeof code !== 'string') {
    return { ok: false, error: "'code' must be a string" };
  }
  const cellId = optionalString(data, 'cell_id');
  const notebook = panel.content;
  const model = notebook.model;
  if (!model) {
    return { ok: false, error: 'the notebook is not loaded' };
  }
  const below = cellId ? cellIndex(notebook, { cellId }) : notebook.activeCellIndex;
  const index = Math.min(below + 1, model.cells.length);
  model.sharedModel.insertCell(index, { cell_type: 'code', source: code });
  const inserted = model.cells.get(index);
  return { ok: true, cell_id: inserted ? inserted.id : null, cell: index + 1 };
}

/** Open a file at a line, or scroll a notebook (this one when `path` is null) to a cell and highlight it. */
async function goto(
  panel: NotebookPanel,
  navigator: Navigator,
  rootDir: () => Promise<string | null>,
  data: { [key: string]: any }
): Promise<Reply> {
  const path = optionalString(data, 'path');
  const target = {
    line: optionalNumber(data, 'line'),
    cell: optionalNumber(data, 'cell'),
    cellId: optionalString(data, 'cell_id')
  };
  const here = panel.context.path;
  const resolved = path === null ? here : contentsPath(path, PathExt.dirname(here), await rootDir());
  if (resolved === here) {
    if (target.cell === null && target.cellId === null) {
      return { ok: false, error: 'a notebook location needs a cell or a cell_id' };
    }
    const index = await navigator.scrollToCell(panel, target);
    return { ok: true, path: resolved, cell: index + 1 };
  }
  await navigator.open(resolved, target);
  return { ok: true, path: resolved };
}
