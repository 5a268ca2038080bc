import { useEffect, useRef } from 'react';
import { shortcuts } from '../nav/shortcuts';
import { useSmt } from '../store/react';

export function ShortcutHelp() {
  const open = useSmt((s) => s.helpOpen);
  const setHelpOpen = useSmt((s) => s.setHelpOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="shortcut-title" onClose={() => setHelpOpen(false)}>
      <h2 id="shortcut-title">Keyboard shortcuts</h2>
      <table className="kv">
        <tbody>
          {shortcuts.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                {s.keys.split(' ').map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </th>
              <td>{s.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" className="button">
          Close
        </button>
      </form>
    </dialog>
  );
}
