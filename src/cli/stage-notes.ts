/**
 * A stage's notes (a step skipped and why, a fallback, a warning) under a stage table: the status
 * gets a `*`, the note column says which notes are its, and every note is listed in full below
 * the table, so a long or second note is never cut off or hidden.
 */
export interface NotedStage {
  readonly stage: string;
  readonly notes?: readonly string[] | undefined;
}

export interface NumberedNotes {
  /** Per stage, in order: "notes 1, 2", or '' when it has none. */
  readonly refs: readonly string[];
  /** The lines to print below the table ('' when no stage has notes). */
  readonly lines: readonly string[];
}

export function numberNotes(stages: readonly NotedStage[]): NumberedNotes {
  const refs: string[] = [];
  const lines: string[] = [];
  let n = 0;
  for (const s of stages) {
    const numbers = (s.notes ?? []).map((note) => {
      n += 1;
      lines.push(`  ${n}. ${s.stage}: ${note}`);
      return n;
    });
    refs.push(numbers.length === 0 ? '' : `${numbers.length === 1 ? 'note' : 'notes'} ${numbers.join(', ')}`);
  }
  return { refs, lines: lines.length === 0 ? [] : ['', '* notes:', ...lines] };
}

/** The status with a `*` when the stage has notes. */
export function statusWithMark(status: string, notes: readonly string[] | undefined): string {
  return notes !== undefined && notes.length > 0 ? `${status}*` : status;
}
