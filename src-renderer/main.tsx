import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { openApi } from './api';
import { ApiContext } from './api/context';
import { NotifierContext, pageNotifier, startNotices } from './api/notify';
import { App } from './components/App';
import { createSmtStore } from './store';
import { StoreContext } from './store/react';
import { startSync } from './store/sync';
import { startRouting } from './nav/routing';
import { alertsRoute } from './nav/route';
import { applyTheme, storedTheme } from './theme';
import './styles.css';

// Before the first render, so the app never flashes in the other scheme.
applyTheme(storedTheme());

const store = createSmtStore();
const { api, link } = openApi();
startSync(api, link, store);
startRouting(store);
// Desktop notifications: the browser's under the browser host, none from the page under Electron (its main
// process raises them natively).
const notifier = pageNotifier();
store.getState().setNotifyPermission(notifier.permission());
startNotices(api, notifier, () => store.getState().navigate(alertsRoute));

// A background tab still tells the admin that remotes went offline.
store.subscribe(
  (s) => s.counts.offline,
  (offline) => {
    document.title = offline > 0 ? `(${offline} offline) SMT Console` : 'SMT Console';
  },
);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <ApiContext.Provider value={api}>
        <NotifierContext.Provider value={notifier}>
          <App />
        </NotifierContext.Provider>
      </ApiContext.Provider>
    </StoreContext.Provider>
  </StrictMode>,
);
