import { useShortcuts } from '../nav/use-shortcuts';
import { useSmt } from '../store/react';
import { AuditScreen } from './audit/AuditScreen';
import { BrokerScreen } from './broker/BrokerScreen';
import { ConnectionBar } from './ConnectionBar';
import { FleetScreen } from './FleetScreen';
import { NavRail } from './NavRail';
import { ProfilesScreen } from './profiles/ProfilesScreen';
import { Notices } from './Notices';
import { DraftsScreen } from './drafts/DraftsScreen';
import { PushScreen } from './push/PushScreen';
import { RemoteScreen } from './remote/RemoteScreen';
import { ShortcutHelp } from './ShortcutHelp';

function Screen() {
  const route = useSmt((s) => s.route);
  switch (route.screen) {
    case 'fleet':
      return <FleetScreen />;
    case 'remote':
      return <RemoteScreen key={route.remoteId} remoteId={route.remoteId} />;
    case 'push':
      return <PushScreen pushId={route.pushId} />;
    case 'drafts':
      return <DraftsScreen draftId={route.draftId} />;
    case 'audit':
      return <AuditScreen />;
    case 'broker':
      return <BrokerScreen />;
    case 'profiles':
      return <ProfilesScreen />;
  }
}

export function App() {
  useShortcuts();
  return (
    <div className="app">
      <ConnectionBar />
      <Notices />
      <div className="workspace">
        <NavRail />
        <Screen />
      </div>
      <ShortcutHelp />
    </div>
  );
}
