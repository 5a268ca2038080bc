import { FleetTable } from './FleetTable';
import { FleetToolbar } from './FleetToolbar';
import { SelectionBar } from './SelectionBar';

export function FleetScreen() {
  return (
    <main className="fleet" aria-label="Fleet">
      <FleetToolbar />
      <SelectionBar />
      <FleetTable />
    </main>
  );
}
