// DumpSplitter: cuts a mysqldump byte stream into statements without decoding it, and cuts the rows
// of extended INSERTs into bounded row groups, so that memory stays bounded however long a line is.
//
// What it understands, as the `mysql` client does (MySQL manual, "mysql Client Commands" and
// "Comments"; MariaDB KB "mariadb-dump"): '…', "…" and `…` quoting with backslash escapes and
// doubled quotes, `-- ` and `#` line comments, /* … */ comments, executable comments /*!NNNNN … */
// and /*M!NNNNNN … */ (kept: the server runs them), `DELIMITER xx` lines (routines and triggers), and
// INSERT … VALUES (…),(…) whether the rows are on one line (MySQL) or one per line (MariaDB).

export interface DumpStatement {
  kind: 'statement';
  /** The statement's bytes, without its delimiter. */
  sql: Buffer;
  /** Byte offset of its first byte in the decompressed dump. */
  offset: number;
}

/** Some consecutive rows of one extended INSERT. An INSERT gives one or more of these. */
export interface DumpRows {
  kind: 'rows';
  /** The table name as written in the dump (UTF-8 bytes as latin1 characters). */
  table: string;
  /** `INSERT INTO `t` VALUES ` (with the column list when the dump has one). */
  prefix: Buffer;
  /** `(…),(…)`: whole rows, no leading or trailing comma. */
  rows: Buffer;
  rowCount: number;
  /** Offset of the INSERT statement that holds these rows. */
  offset: number;
  /**
   * Every value is a '…' string, NULL or a plain number (no hex, bit or _charset literals, no
   * expressions, no "…" strings), so LOAD DATA can read the rows as they are: `(` starts a line, `)`
   * ends it, `,` separates fields, `'` encloses them.
   */
  plain: boolean;
}

export type DumpPiece = DumpStatement | DumpRows;

export class DumpFormatError extends Error {
  override name = 'DumpFormatError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface SplitterOptions {
  /** Row groups are cut at the first row boundary after this many bytes (default 4 MiB). */
  rowGroupBytes?: number;
  /** A statement that is not an INSERT may not be longer than this (default 256 MiB). */
  maxStatementBytes?: number;
}

const enum State {
  Normal,
  Quote,
  LineComment,
  BlockComment,
}

/** What a step of scanNormal decided: stop for more bytes, moved to another state, go on here, or skip an opening. */
type Step = -1 | 0 | 1 | 2;
const MORE: Step = -1;
const ON: Step = 0;
const DONE: Step = 1;
const SKIP: Step = 2;

const SQ = 39;
const DQ = 34;
const BT = 96;
const BS = 92;
const LF = 10;
const OPEN = 40;
const CLOSE = 41;
const COMMA = 44;
/** Bytes a plain value may have outside quotes: digits, sign, point, exponent, NULL, and the quote. */
const PLAIN = new Uint8Array(256);
for (const c of "0123456789+-.eENUL',") PLAIN[c.charCodeAt(0)] = 1;

// `INSERT [IGNORE] INTO `t` [(`a`,`b`)] VALUES (` — mysqldump's form (also REPLACE, --insert-ignore).
/** A table or column name as dumps write it: `back-quoted` (`` doubled) or bare. No capture group. */
export const SQL_IDENTIFIER = '(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)';
const IDENT = SQL_IDENTIFIER;
const INSERT_HEAD = new RegExp(
  `^(?:INSERT|REPLACE)\\s+(?:IGNORE\\s+)?INTO\\s+(${IDENT})(?:\\s*\\.\\s*(${IDENT}))?\\s*` +
    `(?:\\((?:\\s*${IDENT}\\s*,?)*\\))?\\s*VALUES\\s*\\(`,
  'i',
);
const HEAD_WINDOW = 65536;
const QUOTED = /`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"/g;

export function unquoteIdentifier(id: string): string {
  return id.startsWith('`') ? id.slice(1, -1).replace(/``/g, '`') : id;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

export class DumpSplitter {
  private buf: Buffer;
  private view: Buffer;
  private len = 0;
  /** Absolute dump offset of buf[0]. */
  private base = 0;
  private pos = 0;
  private state = State.Normal;
  private quote = 0;
  private quoteStart = 0;
  /** Index of the current statement's first byte in buf (valid while inStmt; may go below 0). */
  private stmtStart = 0;
  private inStmt = false;
  private delimiter = Buffer.from(';');
  // Cached next positions inside a long quoted string, so escapes do not make the search quadratic.
  private nextQuote = -1;
  private nextQuoteLen = -1;
  private nextBs = -1;
  private nextBsLen = -1;
  // The INSERT being cut into row groups, if the current statement is one.
  private insert:
    | {
        table: string;
        prefix: Buffer;
        segStart: number;
        depth: number;
        rows: number;
        headChecked: true;
        /** No value since the last row group was cut needs more than LOAD DATA's reading. */
        plain: boolean;
      }
    | undefined;
  private headChecked = false;
  private readonly rowGroupBytes: number;
  private readonly maxStatementBytes: number;
  private out: DumpPiece[] = [];

  constructor(options: SplitterOptions = {}) {
    this.rowGroupBytes = options.rowGroupBytes ?? 4 * 1024 * 1024;
    this.maxStatementBytes = options.maxStatementBytes ?? 256 * 1024 * 1024;
    this.buf = Buffer.allocUnsafe(1 << 20);
    this.view = this.buf.subarray(0, 0);
  }

  /** The dump offset up to which input has been consumed into pieces (for error messages). */
  get offset(): number {
    return this.base + this.pos;
  }

  /** The current delimiter (tests look at it). */
  get currentDelimiter(): string {
    return this.delimiter.toString('latin1');
  }

  push(chunk: Buffer): DumpPiece[] {
    this.append(chunk);
    this.scan(false);
    return this.take();
  }

  /**
   * End of input. An open quote or comment is an error, and so is a last statement without its
   * delimiter (a dump ends with one: without it, it was cut) unless `lastMayBeUnterminated` (scripts).
   */
  end(lastMayBeUnterminated = false): DumpPiece[] {
    this.scan(true);
    if (
      lastMayBeUnterminated &&
      this.state !== State.Quote &&
      this.state !== State.BlockComment &&
      this.inStmt
    ) {
      this.endStatement(this.len);
      this.pos = this.len;
    }
    if (this.state === State.Quote) {
      const start = this.inStmt ? this.base + this.stmtStart : this.quoteStart;
      throw new DumpFormatError(
        `the dump ends inside a quoted string opened at byte ${this.quoteStart} ` +
          `(statement at byte ${start}: ${this.preview()}): it is truncated or malformed`,
        this.quoteStart,
      );
    }
    if (this.state === State.BlockComment)
      throw new DumpFormatError(
        `the dump ends inside a /* comment */: it is truncated`,
        this.base + this.pos,
      );
    if (this.inStmt) {
      const rest = this.view.subarray(Math.max(0, this.stmtStart), this.len);
      if (rest.some((c) => !isSpace(c))) {
        const at = this.base + this.stmtStart;
        throw new DumpFormatError(
          `the dump ends in the middle of a statement at byte ${at} (${this.preview()}): ` +
            `no closing "${this.delimiter.toString('latin1')}"; the file is truncated or malformed`,
          at,
        );
      }
    }
    return this.take();
  }

  private take(): DumpPiece[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private preview(): string {
    if (!this.inStmt) return '(no statement)';
    const start = Math.max(0, this.stmtStart);
    const text = this.view
      .subarray(start, Math.min(this.len, start + 120))
      .toString('utf8')
      .replace(/\s+/g, ' ');
    return JSON.stringify(text.length >= 100 ? `${text.slice(0, 100)}…` : text);
  }

  private append(chunk: Buffer): void {
    const keep = this.keepFrom();
    if (this.len + chunk.length > this.buf.length || keep > this.buf.length / 2) {
      if (keep > 0) this.shift(keep);
      if (this.len + chunk.length > this.buf.length) {
        const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + chunk.length));
        this.buf.copy(grown, 0, 0, this.len);
        this.buf = grown;
      }
    }
    chunk.copy(this.buf, this.len);
    this.len += chunk.length;
    this.view = this.buf.subarray(0, this.len);
    if (!this.insert && this.inStmt && this.len - this.stmtStart > this.maxStatementBytes)
      throw new DumpFormatError(
        `a statement at byte ${this.base + this.stmtStart} is longer than ${this.maxStatementBytes} bytes ` +
          `(${this.preview()}): the dump is malformed (an unclosed quote?)`,
        this.base + this.stmtStart,
      );
  }

  private keepFrom(): number {
    if (this.insert) return this.insert.segStart;
    if (this.inStmt) return this.stmtStart;
    return this.pos;
  }

  private shift(by: number): void {
    this.buf.copyWithin(0, by, this.len);
    this.len -= by;
    this.base += by;
    this.pos -= by;
    this.stmtStart -= by;
    if (this.insert) this.insert.segStart -= by;
    this.nextQuote = this.nextBs = -1;
    this.nextQuoteLen = this.nextBsLen = -1;
  }

  private scan(eof: boolean): void {
    const v = this.view;
    const len = this.len;
    while (this.pos < len) {
      if (this.state === State.Quote) {
        if (!this.scanQuote(eof)) return;
        continue;
      }
      if (this.state === State.LineComment) {
        const nl = v.indexOf(LF, this.pos);
        if (nl < 0) {
          this.pos = len;
          return;
        }
        this.pos = nl + 1;
        this.state = State.Normal;
        continue;
      }
      if (this.state === State.BlockComment) {
        const end = v.indexOf('*/', this.pos, 'latin1');
        if (end < 0) {
          this.pos = Math.max(this.pos, len - 1);
          return;
        }
        this.pos = end + 2;
        this.state = State.Normal;
        continue;
      }
      if (!this.scanNormal(eof)) return;
    }
  }

  /** Inside '…', "…" or `…`: jump to the closing quote with indexOf. False: more input needed. */
  private scanQuote(eof: boolean): boolean {
    const v = this.view;
    const len = this.len;
    const q = this.quote;
    for (;;) {
      let qi = this.nextQuote;
      if (!(qi >= this.pos || (qi === -1 && this.nextQuoteLen === len))) {
        qi = v.indexOf(q, this.pos);
        this.nextQuote = qi;
        this.nextQuoteLen = len;
      }
      let bi = -1;
      if (q !== BT) {
        bi = this.nextBs;
        if (!(bi >= this.pos || (bi === -1 && this.nextBsLen === len))) {
          bi = v.indexOf(BS, this.pos);
          this.nextBs = bi;
          this.nextBsLen = len;
        }
      }
      if (bi >= 0 && (qi < 0 || bi < qi)) {
        if (bi + 1 >= len) {
          this.pos = bi;
          return false;
        }
        this.pos = bi + 2;
        continue;
      }
      if (qi < 0) {
        this.pos = len;
        return false;
      }
      if (qi + 1 >= len && !eof) {
        this.pos = qi; // a doubled quote may follow in the next chunk
        return false;
      }
      if (qi + 1 < len && v[qi + 1] === q) {
        this.pos = qi + 2;
        continue;
      }
      this.pos = qi + 1;
      this.state = State.Normal;
      return true;
    }
  }

  /** Outside quotes and comments, byte by byte (short runs: numbers, commas, keywords). */
  private scanNormal(eof: boolean): boolean {
    const v = this.view;
    const len = this.len;
    const d0 = this.delimiter[0]!;
    const ins = this.insert;
    for (let i = this.pos; i < len; i++) {
      const c = v[i]!;
      // The hot path: the bytes of an INSERT's rows, counted and checked without a call.
      if (ins) {
        if (c === OPEN) {
          if (ins.depth++ === 0) ins.rows++;
          else ins.plain = false; // a function call or an expression
          continue;
        }
        if (c === CLOSE) {
          ins.depth--;
          continue;
        }
        if (c === COMMA && ins.depth === 0) {
          if (i - ins.segStart >= this.rowGroupBytes) {
            this.emitRows(ins, i);
            ins.segStart = i + 1;
          }
          continue;
        }
        if (ins.depth > 0 && PLAIN[c] === 0) ins.plain = false;
      }
      if (c === SQ || c === DQ || c === BT) {
        if (!this.inStmt) this.startStatement(i);
        this.state = State.Quote;
        this.quote = c;
        this.quoteStart = this.base + i;
        this.pos = i + 1;
        return true;
      }
      // The rare bytes: each decided by a step of its own, which says whether the scan stops for more
      // bytes (MORE), has moved on to another state (DONE), or goes on here (ON).
      let step = ON;
      if (c === d0 && this.matchesDelimiter(i)) step = this.atDelimiter(i, eof);
      else if (c === 45 /* - */ && (v[i + 1] === 45 || (i + 1 >= len && !eof))) step = this.atDash(i, eof);
      else if (c === 35 /* # */ && !ins) step = this.toLineComment(i + 1);
      else if (c === 47 /* / */ && (v[i + 1] === 42 /* * */ || (i + 1 >= len && !eof))) {
        step = this.atSlash(i, eof);
        if (step === SKIP) {
          i += 2;
          continue;
        }
      }
      if (step === ON && !this.inStmt && !isSpace(c)) step = this.atStatementStart(i, c, eof);
      if (step === MORE) return false;
      if (step === DONE) return true;
    }
    this.pos = len;
    return false;
  }

  private toLineComment(pos: number): Step {
    this.state = State.LineComment;
    this.pos = pos;
    return DONE;
  }

  /** The statement delimiter: the statement ends (once all of the delimiter is in hand). */
  private atDelimiter(i: number, eof: boolean): Step {
    const dl = this.delimiter.length;
    if (i + dl > this.len && !eof) {
      this.pos = i;
      return MORE;
    }
    this.endStatement(i);
    this.pos = i + dl;
    return DONE;
  }

  /** `--`: a line comment when followed by a space or a control byte (as the mysql client reads it). */
  private atDash(i: number, eof: boolean): Step {
    if (i + 2 >= this.len && !eof) {
      this.pos = i;
      return MORE;
    }
    const n = this.view[i + 2];
    return n === undefined || n <= 32 ? this.toLineComment(i + 2) : ON;
  }

  /** `/*`: a block comment, or an executable comment (`/*!`, `/*M!`) whose text is SQL (SKIP its opening). */
  private atSlash(i: number, eof: boolean): Step {
    const v = this.view;
    if (i + 3 >= this.len && !eof) {
      this.pos = i;
      return MORE;
    }
    const n = v[i + 2];
    if (n === 77 /* M */ && i + 12 > this.len && !eof) {
      this.pos = i; // is it MariaDB's sandbox line? decided with 12 bytes
      return MORE;
    }
    const executable =
      (n === 33 /* ! */ || (n === 77 /* M */ && v[i + 3] === 33)) && !this.isSandboxComment(i);
    if (executable) {
      if (!this.inStmt) this.startStatement(i);
      return SKIP;
    }
    this.state = State.BlockComment;
    this.pos = i + 2;
    return DONE;
  }

  /** The first byte of a statement: a DELIMITER command, an INSERT whose head decides its rows, or any other. */
  private atStatementStart(i: number, c: number, eof: boolean): Step {
    const v = this.view;
    const len = this.len;
    if ((c === 68 || c === 100) /* D d */ && i + 10 > len && !eof) {
      this.pos = i; // DELIMITER is decided with its 10 bytes in hand
      return MORE;
    }
    if ((c === 68 || c === 100) /* D d */ && this.isDelimiterCommand(i)) {
      const nl = v.indexOf(LF, i);
      if (nl < 0 && !eof) {
        this.pos = i;
        return MORE;
      }
      const line = v.subarray(i, nl < 0 ? len : nl).toString('latin1');
      const token = /^delimiter[ \t]+(\S+)/i.exec(line)?.[1];
      if (!token)
        throw new DumpFormatError(
          `a DELIMITER line without a delimiter at byte ${this.base + i}`,
          this.base + i,
        );
      this.delimiter = Buffer.from(token, 'latin1');
      this.pos = nl < 0 ? len : nl + 1;
      return DONE;
    }
    this.startStatement(i);
    if (c === 73 || c === 105 || c === 82 || c === 114 /* I i R r */) {
      // Re-scan from here once the head is known (or known not to be an INSERT).
      const known = this.checkInsertHead(i, eof);
      if (known === undefined) {
        this.pos = i;
        this.inStmt = false;
        return MORE;
      }
      if (known > i) {
        this.pos = known;
        return DONE;
      }
    }
    return ON;
  }

  private isSandboxComment(i: number): boolean {
    // MariaDB's `/*M!999999\- enable the sandbox mode */` first line: a client command, not SQL.
    return this.view.subarray(i, i + 12).toString('latin1') === '/*M!999999\\-';
  }

  private isDelimiterCommand(i: number): boolean {
    const word = this.view.subarray(i, i + 10).toString('latin1');
    return /^delimiter[ \t]/i.test(word);
  }

  private matchesDelimiter(i: number): boolean {
    const d = this.delimiter;
    if (d.length === 1) return true;
    for (let k = 1; k < d.length; k++) {
      const c = this.view[i + k];
      if (c === undefined) return true; // decided when more input arrives
      if (c !== d[k]) return false;
    }
    return true;
  }

  private startStatement(i: number): void {
    this.stmtStart = i;
    this.inStmt = true;
    this.headChecked = false;
  }

  /**
   * At the first byte of a statement starting with I or R: is it an extended INSERT? Answers the
   * index of the first row's `(` when it is, `i` when it is not, undefined when more input is needed.
   */
  private checkInsertHead(i: number, eof: boolean): number | undefined {
    if (this.headChecked) return i;
    const window = this.view.subarray(i, Math.min(this.len, i + HEAD_WINDOW));
    const text = window.toString('latin1');
    const m = INSERT_HEAD.exec(text);
    if (!m) {
      // Not (yet) a match: decide only once the head is complete — its VALUES keyword and what
      // follows it, or the statement's end outside quoted names — or the window is full.
      const complete =
        eof ||
        window.length >= HEAD_WINDOW ||
        /\bVALUES\s*\S/i.test(text) ||
        text.replace(QUOTED, '').split(/[`'"]/)[0]!.includes(this.delimiter.toString('latin1'));
      if (!complete) return undefined;
      this.headChecked = true;
      return i;
    }
    this.headChecked = true;
    const open = i + m[0].length - 1;
    const table = unquoteIdentifier(m[2] ?? m[1]!);
    this.insert = {
      table,
      prefix: Buffer.from(this.view.subarray(i, open)),
      segStart: open,
      depth: 0,
      rows: 0,
      headChecked: true,
      plain: true,
    };
    return open;
  }

  private emitRows(ins: NonNullable<DumpSplitter['insert']>, end: number): void {
    let s = ins.segStart;
    let e = end;
    while (s < e && isSpace(this.view[s]!)) s++;
    while (e > s && isSpace(this.view[e - 1]!)) e--;
    if (e <= s) return;
    this.out.push({
      kind: 'rows',
      table: ins.table,
      prefix: ins.prefix,
      rows: Buffer.from(this.view.subarray(s, e)),
      rowCount: ins.rows,
      offset: this.base + this.stmtStart,
      plain: ins.plain,
    });
    ins.rows = 0;
    ins.plain = true;
  }

  private endStatement(end: number): void {
    const ins = this.insert;
    if (ins) {
      if (ins.depth !== 0)
        throw new DumpFormatError(
          `unbalanced parentheses in the INSERT into \`${ins.table}\` at byte ${this.base + this.stmtStart}: ` +
            `the dump is malformed`,
          this.base + this.stmtStart,
        );
      this.emitRows(ins, end);
      this.insert = undefined;
    } else if (this.inStmt) {
      let e = end;
      while (e > this.stmtStart && isSpace(this.view[e - 1]!)) e--;
      if (e > this.stmtStart)
        this.out.push({
          kind: 'statement',
          sql: Buffer.from(this.view.subarray(this.stmtStart, e)),
          offset: this.base + this.stmtStart,
        });
    }
    this.inStmt = false;
  }
}
