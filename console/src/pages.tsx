import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { age, api, ApiError, follow, session, type Application, type Deployment, type LogLine, type PlatformEvent, type Project } from './api';
import { ConfirmDialog, Empty, ErrorBanner, StateBadge } from './components';

const message = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

/** Re-runs {@code load} whenever a platform event concerns {@code app} (or any app when null). */
function useLiveEvents(app: string | null, onEvent: (e: PlatformEvent) => void) {
  useEffect(() => {
    const abort = new AbortController();
    follow<PlatformEvent>(`/events?follow=1${app ? `&app=${encodeURIComponent(app)}` : ''}`, onEvent, abort.signal);
    return () => abort.abort();
  }, [app, onEvent]);
}

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.verify(token.trim());
      session.signIn(token.trim(), remember);
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That token was not accepted: ' + err.message : message(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="signin">
      <h1>Sign in to HelixStack</h1>
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="current-password" required autoFocus value={token}
               onChange={(e) => setToken(e.target.value)} placeholder="hx_…" />
        <p className="hint">`helix up` wrote one to <code>~/.helix/credentials</code> (the <code>token=</code> line).</p>
        <label className="check"><input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember on this device</label>
        <ErrorBanner error={error} />
        <button type="submit" className="primary" disabled={busy || token.trim() === ''}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}

interface AppRow {
  app: Application;
  newest?: Deployment;
  live?: Deployment;
}

export function AppsPage() {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [rows, setRows] = useState<Record<string, AppRow>>({});
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [ps, apps] = await Promise.all([api.projects(), api.applications()]);
      const next: Record<string, AppRow> = {};
      await Promise.all(apps.map(async (app) => {
        const deployments = await api.deployments(app.name);
        next[app.name] = { app, newest: deployments[0], live: deployments.find((d) => d.id === app.live_deployment_id) };
      }));
      setProjects(ps);
      setRows(next);
      setError(null);
    } catch (e) {
      setError(message(e));
    }
  }, []);
  useEffect(() => { void load(); }, [load]);
  useLiveEvents(null, useCallback(() => { void load(); }, [load]));

  if (projects === null) return <><h1>Applications</h1><ErrorBanner error={error} />{!error && <p aria-busy="true">Loading…</p>}</>;
  const all = Object.values(rows);
  return (
    <>
      <h1>Applications</h1>
      <ErrorBanner error={error} />
      {all.length === 0 ? (
        <Empty title="No applications yet">
          <p>Deploy one from a terminal: <code>./helix deploy examples/hello-node --app hello</code>, or push with git.</p>
        </Empty>
      ) : (
        projects.map((p) => {
          const mine = all.filter((r) => r.app.project_id === p.id).sort((a, b) => a.app.name.localeCompare(b.app.name));
          if (mine.length === 0) return null;
          return (
            <section key={p.id} aria-labelledby={`project-${p.id}`}>
              <h2 id={`project-${p.id}`} className="project">{p.name}</h2>
              <ul className="cards">
                {mine.map(({ app, newest, live }) => (
                  <li key={app.id} className="card" data-app={app.name}>
                    <a className="card-title" href={`#/apps/${encodeURIComponent(app.name)}`}>{app.name}</a>
                    <div>{newest ? <StateBadge state={newest.state} /> : <span className="muted">no deployments</span>}</div>
                    <div className="muted">{live ? `live: ${live.label}, ${age(live.updated_at)} ago` : 'nothing live'}</div>
                    <a href={app.url} target="_blank" rel="noreferrer" className="url">{app.url}</a>
                  </li>
                ))}
              </ul>
            </section>
          );
        })
      )}
    </>
  );
}

type Pending = { title: string; body: string; confirm: string; run: () => Promise<unknown> } | null;

export function AppPage({ app, tab }: { app: string; tab: string }) {
  const [application, setApplication] = useState<Application | null>(null);
  const [deployments, setDeployments] = useState<Deployment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);

  const load = useCallback(async () => {
    try {
      const [a, ds] = await Promise.all([api.application(app), api.deployments(app)]);
      setApplication(a);
      setDeployments(ds);
      setError(null);
    } catch (e) {
      setError(message(e));
    }
  }, [app]);
  useEffect(() => { void load(); }, [load]);
  useLiveEvents(app, useCallback(() => { void load(); }, [load]));

  const production = deployments.filter((d) => d.environment === 'production');
  const previews = deployments.filter((d) => d.environment !== 'production');
  const live = production.find((d) => d.id === application?.live_deployment_id);

  const act = (p: NonNullable<Pending>) => setPending(p);
  const confirmed = async () => {
    const p = pending;
    setPending(null);
    if (!p) return;
    try {
      await p.run();
      setNotice(`${p.confirm}: requested. The list updates as it happens.`);
      setError(null);
      void load();
    } catch (e) {
      setError(message(e));
    }
  };

  const tabs: [string, string][] = [['deployments', 'Deployments'], ['previews', `Previews (${new Set(previews.map((d) => d.environment)).size})`],
    ['logs', 'Logs'], ['env', 'Environment']];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{app}</h1>
          {application && <a href={application.url} target="_blank" rel="noreferrer" className="url">{application.url}</a>}
          {live && <p className="muted">Live: <strong>{live.label}</strong> <StateBadge state={live.state} /></p>}
        </div>
        <div className="actions">
          <button type="button" className="secondary" disabled={!live}
                  onClick={() => act({ title: `Restart ${app}?`, confirm: 'Restart',
                    body: `New instances of ${live?.label} start with the current environment; the old ones drain once they are healthy.`,
                    run: () => api.restart(app) })}>Restart</button>
          <button type="button" className="danger" disabled={!live}
                  onClick={() => act({ title: `Roll back ${app}?`, confirm: 'Roll back',
                    body: 'The deployment that was live before the current one goes live again, without a build.',
                    run: () => api.rollback(app, {}) })}>Roll back</button>
        </div>
      </div>
      <ErrorBanner error={error} />
      {notice && <div className="notice" role="status">{notice}</div>}
      <nav className="tabs" aria-label="Application">
        {tabs.map(([id, label]) => (
          <a key={id} href={`#/apps/${encodeURIComponent(app)}/${id}`} aria-current={tab === id ? 'page' : undefined}>{label}</a>
        ))}
      </nav>
      {tab === 'deployments' && <DeploymentsTable app={app} deployments={production} onRollback={(d) => act({
        title: `Roll back to ${d.label}?`, confirm: 'Roll back', body: `${d.label} (${d.source_description}) goes live again, without a build.`,
        run: () => api.rollback(app, { deployment: d.id }) })} />}
      {tab === 'previews' && <PreviewsTable app={app} deployments={previews} onRollback={(env) => act({
        title: `Roll back ${env}?`, confirm: 'Roll back', body: `The previous build of ${env} goes live again at its preview URL.`,
        run: () => api.rollback(app, { environment: env }) })} />}
      {tab === 'logs' && <LogView app={app} />}
      {tab === 'env' && <EnvEditor app={app} />}
      <ConfirmDialog open={pending !== null} title={pending?.title ?? ''} body={pending?.body} confirm={pending?.confirm ?? 'OK'}
                     onConfirm={confirmed} onCancel={() => setPending(null)} />
    </>
  );
}

function DeploymentsTable({ app, deployments, onRollback }: { app: string; deployments: Deployment[]; onRollback: (d: Deployment) => void }) {
  if (deployments.length === 0) {
    return <Empty title="No deployments yet"><p><code>./helix deploy . --app {app}</code> or <code>git push</code> makes the first.</p></Empty>;
  }
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">Deployments of {app}, newest first</caption>
        <thead><tr><th>Label</th><th>State</th><th>Source</th><th>Trigger</th><th>Age</th><th>URL</th><th><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {deployments.map((d) => (
            <tr key={d.id} data-label={d.label} data-state={d.state}>
              <td><a href={`#/apps/${encodeURIComponent(app)}/deployments/${d.id}`}>{d.label}</a></td>
              <td><StateBadge state={d.state} />{d.failure_reason && <div className="reason">{d.failure_reason}</div>}</td>
              <td className="source">{d.source_description}</td>
              <td>{d.trigger}</td>
              <td>{age(d.created_at)}</td>
              <td><a href={d.url} target="_blank" rel="noreferrer">{d.url.replace(/^https?:\/\//, '')}</a></td>
              <td>{(d.state === 'superseded' || d.state === 'rolled_back') && d.buildpack !== undefined &&
                <button type="button" className="small" onClick={() => onRollback(d)}>Roll back to this</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PreviewsTable({ app, deployments, onRollback }: { app: string; deployments: Deployment[]; onRollback: (env: string) => void }) {
  const byEnv = useMemo(() => {
    const m = new Map<string, Deployment[]>();
    for (const d of deployments) m.set(d.environment, [...(m.get(d.environment) ?? []), d]);
    return [...m.entries()];
  }, [deployments]);
  if (byEnv.length === 0) {
    return <Empty title="No previews"><p>Open a pull request on a linked repository, or push a branch other than production's.</p></Empty>;
  }
  return (
    <ul className="cards">
      {byEnv.map(([env, ds]) => {
        const newest = ds[0];
        return (
          <li key={env} className="card" data-environment={env}>
            <span className="card-title">{env}</span>
            <div><StateBadge state={newest.state} /> <span className="muted">{ds.length} deployment{ds.length === 1 ? '' : 's'}, newest {age(newest.created_at)} ago</span></div>
            {newest.state === 'live' ? <a href={newest.environment_url} target="_blank" rel="noreferrer" className="url">{newest.environment_url}</a>
              : <span className="muted">{newest.failure_reason ?? 'not serving'}</span>}
            <div className="actions">
              <a href={`#/apps/${encodeURIComponent(app)}/deployments/${newest.id}`}>Build log</a>
              {ds.length > 1 && <button type="button" className="small" onClick={() => onRollback(env)}>Roll back</button>}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** The app's runtime log (or one deployment's), then live lines as they are written. */
function LogView({ app, deployment }: { app: string; deployment?: string }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    let last = 0;
    api.logs(app, deployment).then((page) => {
      setLines(page.lines);
      last = page.lines.length ? page.lines[page.lines.length - 1].seq : 0;
      follow<LogLine>(`/applications/${encodeURIComponent(app)}/logs?follow=1&after=${last}${deployment ? `&deployment=${deployment}` : ''}`,
        (l) => setLines((prev) => (prev.some((p) => p.seq === l.seq) ? prev : [...prev.slice(-1999), l])), abort.signal,
        (e) => setError(e.message));
    }).catch((e) => setError(message(e)));
    return () => abort.abort();
  }, [app, deployment]);
  const shown = filter ? lines.filter((l) => l.line.toLowerCase().includes(filter.toLowerCase())) : lines;
  return (
    <section aria-label="Runtime logs">
      <div className="toolbar">
        <label htmlFor="log-filter" className="sr-only">Filter lines</label>
        <input id="log-filter" type="search" placeholder="Filter lines" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="live-dot" aria-live="polite">live</span>
      </div>
      <ErrorBanner error={error} />
      {shown.length === 0 ? <Empty title="No log lines yet" /> : (
        <pre className="log" tabIndex={0} aria-label="Log lines">
          {shown.map((l) => (
            <div key={l.seq} className={`log-line stream-${l.stream}`}>
              <time>{l.at.substring(11, 19)}</time> <span className="src">{l.source === 'platform' ? 'platform' : l.stream}</span> {l.line}
            </div>
          ))}
        </pre>
      )}
    </section>
  );
}

function EnvEditor({ app }: { app: string }) {
  const [environment, setEnvironment] = useState('production');
  const [env, setEnv] = useState<Record<string, string> | null>(null);
  const [shown, setShown] = useState<Record<string, boolean>>({});
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setEnv((await api.env(app, environment)).env);
      setError(null);
    } catch (e) {
      setError(message(e));
    }
  }, [app, environment]);
  useEffect(() => { setEnv(null); void load(); }, [load]);
  const save = async (set: Record<string, string>, unset: string[], what: string) => {
    try {
      setEnv((await api.patchEnv(app, environment, set, unset)).env);
      setSaved(`${what}. It applies at the next deploy or restart.`);
      setError(null);
    } catch (e) {
      setError(message(e));
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    await save({ [key.trim()]: value }, [], `Saved ${key.trim()}`);
    setKey('');
    setValue('');
  };
  return (
    <section aria-label="Environment variables">
      <div className="toolbar">
        <label htmlFor="env-scope">Environment</label>
        <select id="env-scope" value={environment} onChange={(e) => setEnvironment(e.target.value)}>
          <option value="production">production</option>
          <option value="preview">preview (every pull request and branch preview)</option>
        </select>
      </div>
      <ErrorBanner error={error} />
      {saved && <div className="notice" role="status">{saved}</div>}
      {env === null ? <p aria-busy="true">Loading…</p> : Object.keys(env).length === 0 ? <Empty title={`No variables in ${environment}`} /> : (
        <table className="env">
          <thead><tr><th>Key</th><th>Value</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {Object.entries(env).map(([k, v]) => (
              <tr key={k} data-key={k}>
                <td><code>{k}</code></td>
                <td><code className="value">{shown[k] ? v : '•'.repeat(Math.min(12, Math.max(6, v.length)))}</code></td>
                <td className="actions">
                  <button type="button" className="small" aria-pressed={!!shown[k]} onClick={() => setShown({ ...shown, [k]: !shown[k] })}>
                    {shown[k] ? 'Hide' : 'Show'}</button>
                  <button type="button" className="small danger" onClick={() => save({}, [k], `Removed ${k}`)}>Remove</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="env-add" onSubmit={add}>
        <label htmlFor="env-key">Key</label>
        <input id="env-key" value={key} onChange={(e) => setKey(e.target.value)} required pattern="[A-Za-z_][A-Za-z0-9_]*" placeholder="DATABASE_URL" />
        <label htmlFor="env-value">Value</label>
        <input id="env-value" type="password" value={value} onChange={(e) => setValue(e.target.value)} placeholder="secret value" />
        <button type="submit" className="primary">Save variable</button>
      </form>
    </section>
  );
}

export function DeploymentPage({ app, id }: { app: string; id: string }) {
  const [d, setD] = useState<Deployment | null>(null);
  const [build, setBuild] = useState<{ seq: number; line: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    let after = 0;
    const poll = async () => {
      try {
        const [dep, log] = await Promise.all([api.deployment(id), api.buildLog(id, after)]);
        if (stop) return;
        setD(dep);
        if (log.lines.length) {
          after = log.lines[log.lines.length - 1].seq;
          setBuild((prev) => [...prev, ...log.lines]);
        }
        if (!log.done || !['live', 'failed', 'superseded', 'rolled_back'].includes(dep.state)) setTimeout(poll, 1000);
      } catch (e) {
        if (!stop) setError(message(e));
      }
    };
    void poll();
    return () => { stop = true; };
  }, [id]);
  return (
    <>
      <p><a href={`#/apps/${encodeURIComponent(app)}`}>← {app}</a></p>
      <h1>{d ? `${app} ${d.label}` : 'Deployment'}</h1>
      <ErrorBanner error={error} />
      {d && (
        <dl className="facts">
          <dt>State</dt><dd><StateBadge state={d.state} />{d.failure_reason && <span className="reason"> {d.failure_reason}</span>}</dd>
          <dt>Source</dt><dd>{d.source_description}</dd>
          <dt>Trigger</dt><dd>{d.trigger}</dd>
          <dt>Environment</dt><dd>{d.environment} — <a href={d.environment_url} target="_blank" rel="noreferrer">{d.environment_url}</a></dd>
          <dt>This deployment</dt><dd><a href={d.url} target="_blank" rel="noreferrer">{d.url}</a></dd>
          <dt>Created</dt><dd>{age(d.created_at)} ago</dd>
        </dl>
      )}
      <h2>Build log</h2>
      {build.length === 0 ? <Empty title="No build output (yet)" /> : (
        <pre className="log" tabIndex={0} aria-label="Build log">{build.map((l) => <div key={l.seq} className="log-line">{l.line}</div>)}</pre>
      )}
      <h2>Runtime logs</h2>
      <LogView app={app} deployment={id} />
    </>
  );
}

export function SettingsPage() {
  const [health, setHealth] = useState<string>('checking…');
  const [keys, setKeys] = useState<{ id: string; name: string; fingerprint: string }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.health().then((h) => setHealth(h.status)).catch((e) => setHealth(message(e)));
    fetch('/ssh-keys', { headers: { Authorization: `Bearer ${session.token()}` } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${r.status}`)))).then(setKeys).catch((e) => setError(message(e)));
  }, []);
  const token = session.token() ?? '';
  return (
    <>
      <h1>Settings</h1>
      <dl className="facts">
        <dt>API</dt><dd>{window.location.origin} — health: {health} — <a href="/openapi.json" target="_blank" rel="noreferrer">OpenAPI</a></dd>
        <dt>Signed in with</dt><dd><code>{token.substring(0, 6)}…</code></dd>
        <dt>git push</dt><dd><code>{window.location.origin}/git/&lt;app&gt;.git</code> (token as password) or <code>ssh://git@{window.location.hostname}:2222/&lt;app&gt;.git</code></dd>
      </dl>
      <h2>SSH keys</h2>
      <ErrorBanner error={error} />
      {keys === null ? null : keys.length === 0 ? <Empty title="No SSH keys"><p><code>./helix keys add ~/.ssh/id_ed25519.pub</code></p></Empty> : (
        <ul>{keys.map((k) => <li key={k.id}>{k.name} <code>{k.fingerprint}</code></li>)}</ul>
      )}
    </>
  );
}
