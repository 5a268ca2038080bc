import { ConnectionBar } from './ConnectionBar';
import { FleetTable } from './FleetTable';
import { FleetToolbar } from './FleetToolbar';
import { Notices } from './Notices';

export function App() {
  return (
    <div className="app">
      <ConnectionBar />
      <Notices />
      <main className="fleet" aria-label="Fleet">
        <FleetToolbar />
        <FleetTable />
      </main>
    </div>
  );
}
