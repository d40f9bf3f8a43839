// The scenario text with line numbers; lines with a problem are marked in the gutter and listed under it, and a
// click on a problem puts the cursor on its line.
import { useRef } from 'react';
import type { ScenarioProblem } from '../../api/types';

export function ScenarioEditor({
  text,
  onChange,
  problems,
}: {
  text: string;
  onChange: (text: string) => void;
  problems: ScenarioProblem[];
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = text.split('\n').length;
  const bad = new Map(problems.map((p) => [p.line, p.message]));

  const goTo = (line: number) => {
    const el = area.current;
    if (!el) return;
    const offset =
      text
        .split('\n')
        .slice(0, line - 1)
        .join('\n').length + (line > 1 ? 1 : 0);
    el.focus();
    el.setSelectionRange(offset, offset);
    el.scrollTop = (line - 3) * 18;
  };

  return (
    <>
      <div className="scenario-editor">
        <div className="scenario-gutter" ref={gutter} aria-hidden>
          {Array.from({ length: lines }, (_, i) => (
            <div
              key={i}
              className={bad.has(i + 1) ? 'bad' : ''}
              title={bad.get(i + 1)}
              data-problem-line={bad.has(i + 1) ? i + 1 : undefined}
            >
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={area}
          value={text}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          aria-label="scenario file"
          data-testid="scenario-text"
        />
      </div>
      {problems.length > 0 && (
        <ul className="scenario-problems" data-testid="scenario-problems">
          {problems.map((p, i) => (
            <li key={i}>
              <button className="link" onClick={() => goTo(p.line)}>
                line {p.line}
              </button>{' '}
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
