// The control-plane API as the console uses it: the token from sign-in on every call, problem+json errors as readable
// messages, and server-sent events read through fetch (EventSource cannot send an Authorization header).

export interface Application {
  id: string;
  name: string;
  project_id: string;
  url: string;
  live_deployment_id: string | null;
  git_repository: string | null;
  git_branch: string | null;
  created_at: string;
}

export interface Project {
  id: string;
  name: string;
  created_at: string;
  applications?: Application[];
}

export interface Deployment {
  id: string;
  app: string;
  number: number;
  label: string;
  environment: string;
  state: string;
  source: { type: string; digest?: string; url?: string; ref?: string; sha?: string };
  source_description: string;
  buildpack: string | null;
  url: string;
  environment_url: string;
  failure_reason: string | null;
  trigger: string;
  created_at: string;
  updated_at: string;
}

export interface LogLine {
  seq: number;
  at: string;
  deployment_id: string;
  source: string;
  stream: string;
  line: string;
}

export interface PlatformEvent {
  id: number;
  type: string;
  app: string;
  environment: string;
  deployment_id: string;
  at: string;
  data: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const TOKEN_KEY = 'helix.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY),
  signIn(token: string, remember: boolean) {
    (remember ? localStorage : sessionStorage).setItem(TOKEN_KEY, token);
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(TOKEN_KEY);
  },
};

async function problem(res: Response): Promise<ApiError> {
  let detail = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    if (body && typeof body.detail === 'string') detail = body.detail;
    else if (body && typeof body.title === 'string') detail = body.title;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, detail);
}

export async function call<T>(method: string, path: string, body?: unknown, token = session.token()): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'The HelixStack API cannot be reached. Is `helix up` running?');
  }
  if (!res.ok) throw await problem(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  verify: (token: string) => call<Application[]>('GET', '/applications', undefined, token),
  projects: () => call<Project[]>('GET', '/projects'),
  project: (id: string) => call<Project>('GET', `/projects/${encodeURIComponent(id)}`),
  applications: () => call<Application[]>('GET', '/applications'),
  application: (app: string) => call<Application>('GET', `/applications/${encodeURIComponent(app)}`),
  deployments: (app: string) => call<Deployment[]>('GET', `/applications/${encodeURIComponent(app)}/deployments?limit=200`),
  deployment: (id: string) => call<Deployment>('GET', `/deployments/${encodeURIComponent(id)}`),
  buildLog: (id: string, after: number) =>
    call<{ lines: { seq: number; at: string; line: string }[]; state: string; done: boolean }>(
      'GET', `/deployments/${encodeURIComponent(id)}/build-log?after=${after}`),
  logs: (app: string, deployment?: string) =>
    call<{ lines: LogLine[] }>('GET', `/applications/${encodeURIComponent(app)}/logs?limit=500${deployment ? `&deployment=${encodeURIComponent(deployment)}` : ''}`),
  rollback: (app: string, body: { deployment?: string; environment?: string }) =>
    call<Deployment>('POST', `/applications/${encodeURIComponent(app)}/rollback`, body),
  restart: (app: string) => call<Deployment>('POST', `/applications/${encodeURIComponent(app)}/restart`),
  env: (app: string, environment: string) =>
    call<{ env: Record<string, string> }>('GET', `/applications/${encodeURIComponent(app)}/env?environment=${environment}`),
  patchEnv: (app: string, environment: string, set: Record<string, string>, unset: string[]) =>
    call<{ env: Record<string, string> }>('PATCH', `/applications/${encodeURIComponent(app)}/env?environment=${environment}`, { set, unset }),
  repository: (app: string) => call<Record<string, unknown>>('GET', `/applications/${encodeURIComponent(app)}/repository`),
  metrics: (app: string) => call<{ deployments: Record<string, unknown>[] }>('GET', `/applications/${encodeURIComponent(app)}/metrics`),
  health: () => call<{ status: string }>('GET', '/healthz'),
};

/**
 * Follows a server-sent event stream until {@link AbortSignal} aborts it; calls {@code onData} with each event's parsed
 * data. Reconnects after a drop, from the last event id when the stream has ids.
 */
export function follow<T>(path: string, onData: (data: T) => void, signal: AbortSignal, onError?: (e: ApiError) => void) {
  let lastId: string | null = null;
  const run = async () => {
    while (!signal.aborted) {
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream' };
        const token = session.token();
        if (token) headers.Authorization = `Bearer ${token}`;
        const url = lastId ? `${path}${path.includes('?') ? '&' : '?'}after=${lastId}` : path;
        const res = await fetch(url, { headers, signal });
        if (!res.ok || !res.body) {
          onError?.(await problem(res));
          return;
        }
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('data:')) data += line.slice(5).replace(/^ /, '');
              else if (line.startsWith('id:')) lastId = line.slice(3).trim();
            }
            if (data) {
              try {
                onData(JSON.parse(data) as T);
              } catch {
                // a comment or keep-alive
              }
            }
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void run();
}

export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
