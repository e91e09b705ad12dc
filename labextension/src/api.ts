// The server API under /bumba/api/ (bumba_magics/server/handlers.py). Requests go through
// ServerConnection, so Jupyter's token and XSRF cookie are sent the way every other JupyterLab call sends them.
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { IReport } from './model';

export interface ICommandInfo {
  name: string;
  summary: string;
  needs: string;
  aliases: string[];
  lane: string;
  takes_cell: boolean;
  available: boolean;
  unavailable_reason: string | null;
  runnable: boolean;
}

export interface ICatalogue {
  commands: ICommandInfo[];
  // whether an Anthropic API key is configured on the server; null when the server does not say
  apiKey: boolean | null;
}

export const NEEDS_KEY = 'needs an Anthropic API key';

/** Why `command` cannot run from here, or null when it can. Agent-only commands need a key. */
export function blockedBecause(command: ICommandInfo, apiKey: boolean | null): string | null {
  if (!command.available) {
    return command.unavailable_reason || 'not available';
  }
  if (command.lane === 'agent' && apiKey === false) {
    return NEEDS_KEY;
  }
  if (!command.runnable) {
    return 'not a review command';
  }
  return null;
}

export interface IAgentInfo {
  name: string;
  description: string;
  source: string;
  model: string | null;
}

export interface IJob {
  id: string;
  command: string;
  path: string | null;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: { done: number; total: number; current: string };
  run_id: string | null;
  error: string | null;
  version: number;
}

export interface ITriage {
  [fingerprint: string]: { state: string; reason: string | null };
}

export interface IRun {
  report: IReport;
  triage: ITriage;
  contents_root: string | null;
  path: string | null;
  cell_id: string | null;
}

export interface IRunSummary {
  id: string;
  command: string;
  target: string;
  path: string | null;
  started: string;
  duration_s: number;
  engine: string;
  total: number;
  summary: { by_severity: { [severity: string]: number }; gate: string | null };
}

export interface IInfo {
  version: string;
  root_dir: string;
  store: { ok: boolean; path: string | null; error: string | null };
}

export interface IStartRun {
  command: string;
  path: string;
  code?: string;
  cell_id?: string | null;
  agent?: string | null;
}

/** A job in one of these states will not change again. */
export function jobEnded(job: IJob): boolean {
  return job.status === 'done' || job.status === 'failed' || job.status === 'cancelled';
}

/** An error the server explained: the message is shown to the user as it is. */
export class BumbaAPIError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
  }
}

const settings = () => ServerConnection.makeSettings();

function url(endpoint: string, query?: { [key: string]: string }): string {
  const base = URLExt.join(settings().baseUrl, 'bumba', 'api', endpoint);
  if (!query) {
    return base;
  }
  const params = new URLSearchParams(query);
  return `${base}?${params.toString()}`;
}

async function request<T>(
  endpoint: string,
  init: RequestInit = {},
  query?: { [key: string]: string }
): Promise<T> {
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url(endpoint, query), init, settings());
  } catch (error) {
    throw new BumbaAPIError(`cannot reach the Jupyter server: ${error}`, 0);
  }
  const text = await response.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 404 && (data === null || !data.message)) {
      throw new BumbaAPIError(
        'The bumba server extension is not running. Enable it with ' +
          '"jupyter server extension enable bumba_magics.server" and restart JupyterLab.',
        404
      );
    }
    const message = (data && data.message) || response.statusText || `HTTP ${response.status}`;
    throw new BumbaAPIError(message, response.status);
  }
  return data as T;
}

export const api = {
  info: () => request<IInfo>('info'),
  commands: async (): Promise<ICatalogue> => {
    const data = await request<{ commands: ICommandInfo[]; api_key?: boolean }>('commands');
    return { commands: data.commands, apiKey: typeof data.api_key === 'boolean' ? data.api_key : null };
  },
  agents: (path: string) =>
    request<{ agents: IAgentInfo[]; errors: string[] }>('agents', {}, { path }),
  start: async (body: IStartRun) =>
    (
      await request<{ job: IJob }>('runs', {
        method: 'POST',
        body: JSON.stringify(body)
      })
    ).job,
  job: async (id: string) => (await request<{ job: IJob }>(`jobs/${id}`)).job,
  cancel: async (id: string) =>
    (await request<{ job: IJob }>(`jobs/${id}`, { method: 'DELETE' })).job,
  run: (id: string) => request<IRun>(`runs/${id}`),
  runs: async (path: string, limit = 30) =>
    (await request<{ runs: IRunSummary[] }>('runs', {}, { path, limit: String(limit) })).runs,
  triage: async (runId: string, fingerprint: string, state: string, reason?: string) =>
    (
      await request<{ triage: ITriage }>('triage', {
        method: 'POST',
        body: JSON.stringify({ run_id: runId, fingerprint, state, reason: reason ?? null })
      })
    ).triage
};

/**
 * Follow a job until it ends, calling `onUpdate` on every change. Reads the server-sent event stream
 * through fetch (so the auth headers go with it); if streaming fails, polls instead.
 */
export async function followJob(job: IJob, onUpdate: (job: IJob) => void): Promise<IJob> {
  let last = job;
  try {
    const response = await ServerConnection.makeRequest(
      url(`jobs/${job.id}/events`),
      {},
      settings()
    );
    if (!response.ok || !response.body) {
      throw new Error(`HTTP ${response.status}`);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event
          .split('\n')
          .filter(line => line.startsWith('data: '))
          .map(line => line.slice(6))
          .join('\n');
        if (data) {
          last = JSON.parse(data) as IJob;
          onUpdate(last);
        }
      }
    }
    if (jobEnded(last)) {
      return last;
    }
  } catch (error) {
    console.warn('bumba: event stream unavailable, polling instead', error);
  }
  while (!jobEnded(last)) {
    await new Promise(resolve => setTimeout(resolve, 500));
    last = await api.job(job.id);
    onUpdate(last);
  }
  return last;
}
