// The keyboard shortcuts dialog: one key per view, then the global keys.
export function ShortcutsHelp({
  views,
  onClose,
}: {
  views: readonly { id: string; label: string; key: string }[];
  onClose: () => void;
}) {
  return (
    <div className="modal" role="dialog" aria-label="keyboard shortcuts" onClick={onClose}>
      <div className="card" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table className="grid">
          <tbody>
            {views.map((v) => (
              <tr key={v.id}>
                <td>
                  <kbd>{v.key}</kbd>
                </td>
                <td>{v.label}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>d</kbd>
              </td>
              <td>dark / light theme</td>
            </tr>
            <tr>
              <td>
                <kbd>t</kbd>
              </td>
              <td>relative / absolute timestamps</td>
            </tr>
            <tr>
              <td>
                <kbd>space</kbd>
              </td>
              <td>pause / resume the live tail (Topics)</td>
            </tr>
            <tr>
              <td>
                <kbd>/</kbd>
              </td>
              <td>focus the search or filter box</td>
            </tr>
            <tr>
              <td>
                <kbd>?</kbd>
              </td>
              <td>this help</td>
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}
