/**
 * The triage screen: loading progress, findings of one target grouped by
 * severity, the selected finding's detail, fix selection, the diff of the
 * chosen fixes, applying them and checking again. The session (checks,
 * fixes, applying) is `useTriageSession`, the keys `keys.ts`, the lines
 * drawn `screen.ts`; this component ties them to the terminal.
 */
import type React from 'react';
import { useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdin, useStdout, type Key } from 'ink';
import type { CheckRun } from '../run/check.js';
import { runEditor } from './editor.js';
import { onKey, splitKeys } from './keys.js';
import { screenLines, statusRows, type ScreenContext } from './screen.js';
import type { Session } from './session.js';
import { layout } from './state.js';
import { useTriageSession } from './use-session.js';
import { makeTheme } from './views.js';

export interface Size {
  columns: number;
  rows: number;
}

/** The terminal size, following resizes. */
export function useTerminalSize(): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: subscribed once; `read` only reads the stream's current size.
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

export interface AppProps {
  session: Session;
  /** Called with the last run when the user quits. */
  onExit?: (run: CheckRun | null) => void;
}

export function App({ session, onExit }: AppProps): React.JSX.Element {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const triage = useTriageSession(session, exit, onExit);
  const listTop = useRef(0);
  const screen: ScreenContext = {
    theme: makeTheme(session.color),
    color: session.color,
    strategy: session.fixes?.strategy ?? 'auto',
    fixEngine: !!session.fixes,
    render: session.fixes?.render,
    warnings: session.warnings,
  };
  const size = layout(columns, rows, triage.state, statusRows(triage.state, screen, Math.max(1, columns)).length);
  const { stdin } = useStdin();
  const { stdout } = useStdout();
  const edit = (file: string, line: number) => runEditor(session.editor!, file, line, { stdin, stdout }, session.env, session.cwd);

  useInput((input: string, key: Key) => {
    for (const [ch, k] of splitKeys(input, key)) onKey(ch, k, { triage, session, layout: size, screen, edit });
  });

  const drawn = screenLines(triage.state, size, screen, listTop.current);
  listTop.current = drawn.listTop;
  return (
    <Box flexDirection="column" width={size.width} height={size.height}>
      {drawn.lines.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the frame's lines are drawn anew each render; a line's place is its identity.
        <Text key={i} wrap="truncate-end">
          {l === '' ? ' ' : l}
        </Text>
      ))}
    </Box>
  );
}
