// The BUMBA JupyterLab plugin: the sidebar, its commands (palette, notebook and file browser context
// menus) and the "bumba.frontend" comm target that the kernel side uses to insert cells and go to findings.
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { PathExt } from '@jupyterlab/coreutils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { LabIcon } from '@jupyterlab/ui-components';
import { Menu, Widget } from '@lumino/widgets';

import { api } from './api';
import { registerFrontendComm } from './frontend';
import { CELL_BODY, GOTO_EVENT, IGotoRequest, locationLabel } from './model';
import { Navigator, contentsPath } from './navigate';
import { BumbaPanel, ITarget } from './panel';
import { useLanguages } from './richtext';
import { SourceReader } from './sources';

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
  optional: [ICommandPalette, ILabShell, ILayoutRestorer, IDefaultFileBrowser, IRenderMimeRegistry, IEditorLanguageRegistry],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    docManager: IDocumentManager,
    palette: ICommandPalette | null,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null,
    fileBrowser: IDefaultFileBrowser | null,
    rendermime: IRenderMimeRegistry | null,
    languages: IEditorLanguageRegistry | null
  ) => {
    useLanguages(languages);
    const navigator = new Navigator(app, docManager);
    const markdown = rendermime && rendermime.markdownParser
      ? { parser: rendermime.markdownParser, sanitizer: rendermime.sanitizer }
      : null;
    const panel = new BumbaPanel(navigator, new SourceReader(docManager), markdown);
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
    document.addEventListener(GOTO_EVENT, event => {
      void gotoFromOutput(tracker, navigator, serverRoot, event as CustomEvent<IGotoRequest>);
    });

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
      label: args => `BUMBA: ${args.command || panel.selected} the current target`,
      caption: args => String(args.summary || ''),
      isEnabled: args => !panel.blocked(String(args.command || panel.selected)),
      execute: async args => {
        showPanel();
        await panel.start(String(args.command || panel.selected));
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
    // with a command (the cell menu's items): that command; without (the palette): the one picked in the
    // sidebar, named in the label, so a review never runs a command the user did not see
    const cellCommand = (args: { command?: unknown }) => String(args.command || panel.selected);
    app.commands.addCommand(CommandIDs.reviewCell, {
      label: args => {
        if (!args.command) {
          return `Review this cell with BUMBA: ${panel.selected}`;
        }
        const blocked = panel.blocked(cellCommand(args));
        return blocked ? `${args.command} (${blocked})` : String(args.command);
      },
      caption: args => panel.catalogue.find(c => c.name === cellCommand(args))?.summary ?? '',
      icon: args => (args.command ? undefined : bumbaIcon),
      isEnabled: args => reviewedCell() !== null && !panel.blocked(cellCommand(args)),
      execute: async args => {
        const found = reviewedCell();
        if (!found) {
          return;
        }
        showPanel();
        await panel.start(cellCommand(args), {
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

    // "Review this cell with BUMBA ▸ scan / improve-performance / …": the commands that review a cell body
    const cellMenu = new Menu({ commands: app.commands });
    cellMenu.id = 'bumba-cell-menu';
    cellMenu.title.label = 'Review this cell with BUMBA';
    cellMenu.title.icon = bumbaIcon;
    void panel.whenReady().then(() => {
      for (const command of panel.catalogue.filter(c => c.takes_cell && c.lane !== 'meta' && (c.runnable || !c.available))) {
        cellMenu.addItem({ command: CommandIDs.reviewCell, args: { command: command.name } });
      }
    });
    app.contextMenu.addItem({ type: 'submenu', submenu: cellMenu, selector: '.jp-Notebook .jp-CodeCell', rank: 20 });
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

/**
 * A location link clicked in a findings output: this notebook's cell (a cell review's finding is about the
 * cell that holds the output), another notebook's cell, or a file at its line.
 */
async function gotoFromOutput(
  tracker: INotebookTracker,
  navigator: Navigator,
  rootDir: () => Promise<string | null>,
  event: CustomEvent<IGotoRequest>
): Promise<void> {
  const { location, root } = event.detail;
  const origin = event.target instanceof Node ? event.target : null;
  const panel = origin ? tracker.find(p => p.node.contains(origin)) : undefined;
  try {
    if (location.path === CELL_BODY) {
      const cell = panel && panel.content.widgets.findIndex(c => c.node.contains(origin));
      if (!panel || cell === undefined || cell < 0) {
        throw new Error('the reviewed cell is not in an open notebook');
      }
      await navigator.scrollToCell(panel, { cell: cell + 1, line: location.line, column: location.column });
      return;
    }
    if (!location.path) {
      throw new Error('the finding has no file');
    }
    // PathExt.join drops a leading slash (it makes contents paths); the report's root is a real, absolute path
    const absolute = root && !location.path.startsWith('/')
      ? `${root.startsWith('/') ? '/' : ''}${PathExt.join(root, location.path)}`
      : location.path;
    const here = panel ? panel.context.path : '';
    const path = contentsPath(absolute, PathExt.dirname(here), await rootDir());
    const target = { cellId: location.cell_id, cell: location.cell, line: location.line, column: location.column };
    if (panel && path === here) {
      await navigator.scrollToCell(panel, target);
    } else {
      await navigator.open(path, target);
    }
  } catch (error) {
    Notification.error(`Cannot go to ${locationLabel(location)}: ${(error as Error).message}`, { autoClose: 8000 });
  }
}

export default plugin;
