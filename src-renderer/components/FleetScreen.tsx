import { FleetTable } from './FleetTable';
import { FleetToolbar } from './FleetToolbar';

export function FleetScreen() {
  return (
    <main className="fleet" aria-label="Fleet">
      <FleetToolbar />
      <FleetTable />
    </main>
  );
}
