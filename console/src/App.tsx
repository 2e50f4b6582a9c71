import { useEffect, useState } from 'react';
import { session } from './api';
import { AppPage, AppsPage, DeploymentPage, SettingsPage, SignInPage } from './pages';

/** Hash routes, so the API's own paths never collide with the console's: #/, #/apps/NAME[/TAB], #/apps/NAME/deployments/ID, #/settings. */
function useRoute(): string[] {
  const parse = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const onChange = () => setRoute(parse());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function App() {
  const [signedIn, setSignedIn] = useState(() => session.token() !== null);
  const route = useRoute();

  if (!signedIn) {
    return <SignInPage onSignedIn={() => setSignedIn(true)} />;
  }
  let page;
  if (route[0] === 'apps' && route[1] && route[2] === 'deployments' && route[3]) {
    page = <DeploymentPage app={route[1]} id={route[3]} />;
  } else if (route[0] === 'apps' && route[1]) {
    page = <AppPage app={route[1]} tab={route[2] ?? 'deployments'} />;
  } else if (route[0] === 'settings') {
    page = <SettingsPage />;
  } else {
    page = <AppsPage />;
  }
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <a className="brand" href="#/">HelixStack</a>
        <nav aria-label="Main">
          <a href="#/" aria-current={route.length === 0 || route[0] === 'apps' ? 'page' : undefined}>Applications</a>
          <a href="#/settings" aria-current={route[0] === 'settings' ? 'page' : undefined}>Settings</a>
          <button type="button" className="link" onClick={() => { session.signOut(); setSignedIn(false); }}>Sign out</button>
        </nav>
      </header>
      <main id="main">{page}</main>
    </>
  );
}
