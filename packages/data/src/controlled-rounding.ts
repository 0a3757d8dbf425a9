/**
 * Rounds the table `q[r][c] = rowTotals[r] * columnTotals[c] / N` (with
 * `N = sum(rowTotals) = sum(columnTotals)`) to integers so that every cell is the floor or the ceiling
 * of its exact value and every row and column keeps its total exactly: a controlled rounding, which
 * always exists for such a table (its margins are integers). Cells start at their floors; the missing
 * units are placed first greedily by largest remainder (ties: lower row, then lower column), then by
 * augmenting paths where the greedy placement got stuck (a small bipartite b-matching).
 * Deterministic. Used to divide classes among splits: rows are classes, columns are splits.
 *
 * @throws RangeError when the totals are not non-negative integers or their sums differ.
 */
export function controlledRounding(rowTotals: readonly number[], columnTotals: readonly number[]): number[][] {
  for (const [what, totals] of [['rowTotals', rowTotals], ['columnTotals', columnTotals]] as const) {
    totals.forEach((total, i) => {
      if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`controlledRounding: ${what}[${i}] is ${total}, expected a non-negative integer`);
    });
  }
  const n = rowTotals.reduce((sum, total) => sum + total, 0);
  const columnSum = columnTotals.reduce((sum, total) => sum + total, 0);
  if (n !== columnSum) throw new RangeError(`controlledRounding: rows sum to ${n} but columns to ${columnSum}`);
  const rows = rowTotals.length;
  const columns = columnTotals.length;
  const table = rowTotals.map(() => new Array<number>(columns).fill(0));
  if (n === 0) return table;
  const remainder = rowTotals.map(() => new Array<number>(columns).fill(0));
  const rowNeed = [...rowTotals];
  const columnNeed = [...columnTotals];
  const cells: [number, number][] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const numerator = (rowTotals[r] as number) * (columnTotals[c] as number);
      const rest = numerator % n;
      const floor = (numerator - rest) / n;
      table[r]![c] = floor;
      remainder[r]![c] = rest;
      rowNeed[r]! -= floor;
      columnNeed[c]! -= floor;
      if (rest > 0) cells.push([r, c]);
    }
  }
  // raised[r][c]: the cell got its extra unit (only cells with a remainder may).
  const raised = rowTotals.map(() => new Array<boolean>(columns).fill(false));
  cells.sort(([r1, c1], [r2, c2]) => remainder[r2]![c2]! - remainder[r1]![c1]! || r1 - r2 || c1 - c2);
  for (const [r, c] of cells) {
    if (rowNeed[r]! > 0 && columnNeed[c]! > 0) {
      raised[r]![c] = true;
      rowNeed[r]! -= 1;
      columnNeed[c]! -= 1;
    }
  }
  for (let r = 0; r < rows; r++) {
    while (rowNeed[r]! > 0) {
      augment(r, remainder, raised, columnNeed);
      rowNeed[r]! -= 1;
    }
  }
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) if (raised[r]![c]) table[r]![c]! += 1;
  return table;
}

/** Finds a breadth-first alternating path from row `start` to a column still needing a unit, and flips it. */
function augment(start: number, remainder: number[][], raised: boolean[][], columnNeed: number[]): void {
  const rows = remainder.length;
  const columns = columnNeed.length;
  const columnParent = new Array<number>(columns).fill(-1);
  const rowParent = new Array<number>(rows).fill(-1);
  const rowSeen = new Array<boolean>(rows).fill(false);
  rowSeen[start] = true;
  let frontier = [start];
  while (frontier.length > 0) {
    const nextRows: number[] = [];
    for (const r of frontier) {
      for (let c = 0; c < columns; c++) {
        if (remainder[r]![c]! === 0 || raised[r]![c] || columnParent[c] !== -1) continue;
        columnParent[c] = r;
        if (columnNeed[c]! > 0) {
          columnNeed[c]! -= 1;
          let column = c;
          for (;;) {
            const row = columnParent[column]!;
            raised[row]![column] = true;
            if (row === start) return;
            const previous = rowParent[row]!;
            raised[row]![previous] = false;
            column = previous;
          }
        }
        for (let other = 0; other < rows; other++) {
          if (!rowSeen[other] && raised[other]![c]) {
            rowSeen[other] = true;
            rowParent[other] = c;
            nextRows.push(other);
          }
        }
      }
    }
    frontier = nextRows;
  }
  throw new Error('controlledRounding: no augmenting path (cannot happen for a table with integer margins)');
}
