import { useShortcuts } from '../nav/use-shortcuts';
import { useSmt } from '../store/react';
import { gateOf } from '../store/start-slice';
import { PoolsScreen } from './pools/PoolsScreen';
import { AlertsScreen } from './alerts/AlertsScreen';
import { AuditScreen } from './audit/AuditScreen';
import { BrokerScreen } from './broker/BrokerScreen';
import { LeasesScreen } from './leases/LeasesScreen';
import { ConnectionBar } from './ConnectionBar';
import { FleetScreen } from './FleetScreen';
import { NavRail } from './NavRail';
import { ProfilesScreen } from './profiles/ProfilesScreen';
import { Notices } from './Notices';
import { DraftsScreen } from './drafts/DraftsScreen';
import { FindNameScreen } from './dns/FindNameScreen';
import { ObjectsScreen } from './objects/ObjectsScreen';
import { PushScreen } from './push/PushScreen';
import { RemoteScreen } from './remote/RemoteScreen';
import { ShortcutHelp } from './ShortcutHelp';
import { StartingScreen } from './start/GateFrame';
import { OnboardingScreen } from './start/OnboardingScreen';
import { UnlockScreen } from './start/UnlockScreen';

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
    case 'objects':
      return <ObjectsScreen objectKey={route.key} />;
    case 'audit':
      return <AuditScreen />;
    case 'pools':
      return <PoolsScreen />;
    case 'alerts':
      return <AlertsScreen />;
    case 'broker':
      return <BrokerScreen />;
    case 'profiles':
      return <ProfilesScreen />;
    case 'dns':
      return <FindNameScreen />;
    case 'leases':
      return <LeasesScreen />;
  }
}

/** The console with a profile open: today's app. */
function ConsoleApp() {
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

/** The gate: what the console said it is (docs/profiles.md, "First run and unlocking") picks the screen. */
export function App() {
  const gate = useSmt((s) => gateOf(s.start));
  switch (gate) {
    case 'connecting':
      return <StartingScreen />;
    case 'onboarding':
      return <OnboardingScreen />;
    case 'unlock':
      return <UnlockScreen />;
    case 'app':
      return <ConsoleApp />;
  }
}
