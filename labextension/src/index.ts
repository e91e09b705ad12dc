// The BUMBA JupyterLab plugin: the sidebar, its commands (palette, notebook and file browser context
// menus) and the "bumba.frontend" comm target that the kernel side uses to insert cells and go to findings.
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { LabIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { api } from './api';
import { registerFrontendComm } from './frontend';
import { Navigator } from './navigate';
import { BumbaPanel, ITarget } from './panel';

const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
  '<path class="jp-icon3" fill="#616161" d="M12 2 3 6v6c0 5 3.8 9.7 9 10 5.2-.3 9-5 9-10V6l-9-4zm0 4.2 5 2.2v3.7c0 ' +
  '3.2-2.2 6.3-5 6.8-2.8-.5-5-3.6-5-6.8V8.4l5-2.2z"/></svg>';

export const bumbaIcon = new LabIcon({ name: 'bumba-magics:icon', svgstr: ICON_SVG });

namespace CommandIDs {
  export const open = 'bumba:open-sidebar';
  export const run = 'bumba:run';
  export const reviewCell = 'bumba:review-cell';
  export const reviewFolder = 'bumba:review-folder';
}

function documentTarget(app: JupyterFrontEnd, docManager: IDocumentManager, widget: Widget | null): ITarget | null {
  if (!widget) {
    return null;
  }
  const context = docManager.contextForWidget(widget);
  if (!context) {
    return null;
  }
  return { path: context.path, kind: widget instanceof NotebookPanel ? 'notebook' : 'file' };
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'bumba-magics:plugin',
  description: 'The BUMBA review sidebar, its commands and the bumba.frontend comm target.',
  autoStart: true,
  requires: [INotebookTracker, IDocumentManager],
  optional: [ICommandPalette, ILabShell, ILayoutRestorer, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    docManager: IDocumentManager,
    palette: ICommandPalette | null,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null,
    fileBrowser: IDefaultFileBrowser | null
  ) => {
    const navigator = new Navigator(app, docManager);
    const panel = new BumbaPanel(navigator);
    panel.title.icon = bumbaIcon;
    app.shell.add(panel, 'left', { rank: 650 });
    if (restorer) {
      restorer.add(panel, 'bumba-sidebar');
    }

    let rootDir: Promise<string | null> | null = null;
    const serverRoot = () => {
      rootDir = rootDir || api.info().then(info => info.root_dir, () => null);
      return rootDir;
    };
    registerFrontendComm(tracker, navigator, serverRoot);

    // the target follows the active document; a folder picked in the file browser takes over until then
    if (labShell) {
      const follow = () => {
        const target = documentTarget(app, docManager, labShell.currentWidget);
        if (target) {
          panel.setTarget(target);
        }
      };
      labShell.currentChanged.connect(follow);
      follow();
    }
    if (fileBrowser) {
      fileBrowser.selectionChanged.connect(() => {
        const selected = Array.from(fileBrowser.selectedItems());
        if (selected.length === 1 && selected[0].type === 'directory') {
          panel.setTarget({ path: selected[0].path, kind: 'folder' });
        }
      });
    }

    const showPanel = () => app.shell.activateById(panel.id);

    app.commands.addCommand(CommandIDs.open, {
      label: 'BUMBA: Show the review sidebar',
      icon: bumbaIcon,
      execute: showPanel
    });
    app.commands.addCommand(CommandIDs.run, {
      label: args => (args.command ? `BUMBA: ${args.command} the current target` : 'BUMBA: run a review'),
      caption: args => String(args.summary || ''),
      execute: async args => {
        showPanel();
        await panel.start(String(args.command || panel.lastCommand));
      }
    });
    // the cell that was right-clicked (a right click does not make a cell active), else the active cell
    const reviewedCell = () => {
      const notebook = tracker.currentWidget;
      if (!notebook) {
        return null;
      }
      const hit = app.contextMenuHitTest(node => node.classList.contains('jp-Cell'));
      const cells = notebook.content.widgets;
      let index = hit ? cells.findIndex(cell => cell.node === hit) : -1;
      if (index < 0) {
        index = notebook.content.activeCellIndex;
      }
      const cell = cells[index];
      return cell && cell.model.type === 'code' ? { notebook, cell, index } : null;
    };
    app.commands.addCommand(CommandIDs.reviewCell, {
      label: 'Review this cell with BUMBA',
      icon: bumbaIcon,
      isEnabled: () => reviewedCell() !== null,
      execute: async args => {
        const found = reviewedCell();
        if (!found) {
          return;
        }
        showPanel();
        await panel.start(String(args.command || panel.lastCommand), {
          path: found.notebook.context.path,
          cellId: found.cell.model.id,
          index: found.index,
          code: found.cell.model.sharedModel.getSource()
        });
      }
    });
    app.commands.addCommand(CommandIDs.reviewFolder, {
      label: 'Review with BUMBA',
      icon: bumbaIcon,
      isVisible: () => !!fileBrowser && Array.from(fileBrowser.selectedItems()).length === 1,
      execute: () => {
        const item = fileBrowser ? Array.from(fileBrowser.selectedItems())[0] : undefined;
        if (!item) {
          return;
        }
        const kind = item.type === 'directory' ? 'folder' : item.type === 'notebook' ? 'notebook' : 'file';
        panel.setTarget({ path: item.path, kind });
        showPanel();
      }
    });

    app.contextMenu.addItem({ command: CommandIDs.reviewCell, selector: '.jp-Notebook .jp-CodeCell', rank: 20 });
    app.contextMenu.addItem({ command: CommandIDs.reviewFolder, selector: '.jp-DirListing-item', rank: 20 });

    if (palette) {
      palette.addItem({ command: CommandIDs.open, category: 'BUMBA' });
      palette.addItem({ command: CommandIDs.reviewCell, category: 'BUMBA' });
      void panel.whenReady().then(() => {
        for (const command of panel.catalogue.filter(c => c.runnable)) {
          palette.addItem({
            command: CommandIDs.run,
            category: 'BUMBA',
            args: { command: command.name, summary: command.summary }
          });
        }
      });
    }
  }
};

export default plugin;
