// A deterministic (seeded) generator of a Moodle-shaped database, written straight out as a mysqldump
// file: ~480 tables named like Moodle's, bigint ids, varchar, longtext, int timestamps, decimals, a
// table of binary blobs, Moodle-style secondary indexes, skewed sizes (mdl_logstore_standard_log holds
// most rows), many empty tables. Two layouts: MySQL 8's mysqldump (each extended INSERT on one line of
// up to ~1 MB, `--net-buffer-length`'s default) and MariaDB's mariadb-dump (one row per line inside the
// extended INSERT). Usage: node bench/restore/generate.mjs [--bytes N] [--seed S] [--style mysql|mariadb] [--tables N] OUT.sql[.gz]
import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createGzip } from 'node:zlib';

/** mysqldump's default net_buffer_length: an extended INSERT ends before it would grow past this. */
const NET_BUFFER_LENGTH = 1_046_528;

// ---------------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32): the same seed gives the same bytes on every machine.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  /** Skewed towards small values: a few users, courses, contexts get most of the activity. */
  next.skew = (max) => 1 + Math.floor(max * next() * next());
  next.pick = (xs) => xs[Math.floor(next() * xs.length)];
  return next;
}

function hashName(name) {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

// Strings are built as "binary strings": each char one byte (UTF-8 already encoded), so text and blobs
// go into one latin1 Buffer without any re-encoding.
const utf8 = (s) => Buffer.from(s, 'utf8').toString('latin1');

const ESCAPES = {
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\x1a': '\\Z',
};
// mysqldump escapes \0 and Ctrl-Z (\Z) too: control characters are the point here.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\0\n\r\\'"\x1a]/;
// eslint-disable-next-line no-control-regex
const ESCAPE_ALL = /[\0\n\r\\'"\x1a]/g;
/** A quoted literal escaped exactly as mysqldump (mysql_real_escape_string) does it. */
function quote(s) {
  return NEEDS_ESCAPE.test(s) ? `'${s.replace(ESCAPE_ALL, (c) => ESCAPES[c])}'` : `'${s}'`;
}

const WORDS = [
  ...'the of and to in a is that for it as with was on be by this are or from at which an have not but had his they you were their one all we can her has there been if more when will would who so no she other its may these about than into could only some them what see such two also make many then use up out first time'.split(
    ' ',
  ),
  ...'course student assignment quiz lecture module grade feedback week topic reading lab seminar exam submission deadline group forum discussion resource page book glossary workshop portfolio competency badge cohort enrolment tutor teacher learner attempt question answer essay rubric criteria outcome'.split(
    ' ',
  ),
  ...[
    "don't",
    "O'Brien",
    "it's",
    'café',
    'naïve',
    'Zürich',
    'Straße',
    'Ångström',
    'señor',
    'Ελληνικά',
    'русский',
    '中文课程',
    '日本語',
    '🎓',
    '📚',
    '“quoted”',
    'a "b"',
    'x\\y',
  ],
].map(utf8);

function words(r, n) {
  let s = r.pick(WORDS);
  for (let i = 1; i < n; i++) s += ' ' + WORDS[Math.floor(r() * WORDS.length)];
  return s;
}

function html(r, minLen, maxLen) {
  const target = r.int(minLen, maxLen);
  let s = '<p dir="ltr" style="text-align: left;">';
  while (s.length < target) {
    s += words(r, r.int(6, 18)) + '. ';
    if (r() < 0.15) s += '</p>\n<p>';
  }
  return s + '</p>';
}

const HEX = '0123456789abcdef';
function hex(r, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[Math.floor(r() * 16)];
  return s;
}

function binary(r, n) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 4) {
    const v = (r() * 4294967296) >>> 0;
    b[i] = v;
    if (i + 1 < n) b[i + 1] = v >>> 8;
    if (i + 2 < n) b[i + 2] = v >>> 16;
    if (i + 3 < n) b[i + 3] = v >>> 24;
  }
  return b.toString('latin1');
}

// ---------------------------------------------------------------------------------------------------
// Columns: a definition in MySQL 8's SHOW CREATE TABLE form and a value generator (SQL literal).
const T0 = 1_546_300_800; // 2019-01-01
const SPAN = 5 * 365 * 86400;
const COLL = 'COLLATE utf8mb4_unicode_ci';

const col = {
  id: () => ({ name: 'id', def: 'bigint NOT NULL AUTO_INCREMENT', gen: (_r, id) => String(id) }),
  ref: (name, max, nullable = false) => ({
    name,
    def: nullable ? 'bigint DEFAULT NULL' : "bigint NOT NULL DEFAULT '0'",
    gen: (r) => (nullable && r() < 0.3 ? 'NULL' : String(r.skew(max()))),
  }),
  time: (name, zeroShare = 0) => ({
    name,
    def: "bigint NOT NULL DEFAULT '0'",
    gen: (r) => (r() < zeroShare ? '0' : String(T0 + Math.floor(r() * SPAN))),
  }),
  small: (name, max, type = 'tinyint') => ({
    name,
    def: `${type} NOT NULL DEFAULT '0'`,
    gen: (r) => String(r.int(0, max)),
  }),
  // Pairs that a unique key covers are derived from the row id, so they never collide.
  div: (name, k) => ({
    name,
    def: "bigint NOT NULL DEFAULT '0'",
    gen: (_r, id) => String(Math.floor((id - 1) / k) + 1),
  }),
  mod: (name, k) => ({
    name,
    def: "bigint NOT NULL DEFAULT '0'",
    gen: (_r, id) => String(((id - 1) % k) + 1),
  }),
  modpick: (name, len, values) => ({
    name,
    def: `varchar(${len}) ${COLL} NOT NULL DEFAULT ''`,
    gen: (_r, id) => `'${values[(id - 1) % values.length]}'`,
  }),
  int: (name, max) => ({ name, def: "bigint NOT NULL DEFAULT '0'", gen: (r) => String(r.int(0, max)) }),
  str: (name, len, minWords = 1, maxWords = 4) => ({
    name,
    def: `varchar(${len}) ${COLL} NOT NULL DEFAULT ''`,
    gen: (r) => quote(words(r, r.int(minWords, maxWords)).slice(0, len)),
  }),
  enumstr: (name, len, values, nullable = false) => ({
    name,
    def: nullable ? `varchar(${len}) ${COLL} DEFAULT NULL` : `varchar(${len}) ${COLL} NOT NULL DEFAULT ''`,
    gen: (r) => (nullable && r() < 0.2 ? 'NULL' : quote(r.pick(values))),
  }),
  hash: (name, len = 40) => ({
    name,
    def: `varchar(${len}) ${COLL} NOT NULL DEFAULT ''`,
    gen: (r) => `'${hex(r, len)}'`,
  }),
  text: (name, minLen, maxLen, nullable = true) => ({
    name,
    def: nullable ? `longtext ${COLL}` : `longtext ${COLL} NOT NULL`,
    gen: (r) => (nullable && r() < 0.1 ? 'NULL' : quote(html(r, minLen, maxLen))),
  }),
  plain: (name, minLen, maxLen) => ({
    name,
    def: `longtext ${COLL}`,
    gen: (r) => {
      const target = r.int(minLen, maxLen);
      let s = '';
      while (s.length < target) s += words(r, r.int(5, 15)) + '\n';
      return quote(s);
    },
  }),
  dec: (name) => ({
    name,
    def: 'decimal(10,5) DEFAULT NULL',
    gen: (r) => (r() < 0.1 ? 'NULL' : (r() * 100).toFixed(5)),
  }),
  blob: (name, minLen, maxLen) => ({
    name,
    def: 'longblob',
    gen: (r) => quote(binary(r, r.int(minLen, maxLen))),
  }),
  json: (name, keys) => ({
    name,
    def: `longtext ${COLL}`,
    gen: (r) => {
      if (r() < 0.35) return "'N;'";
      const parts = [];
      for (let i = 0, n = r.int(1, 3); i < n; i++) {
        const k = r.pick(keys);
        parts.push(
          r() < 0.5 ? `"${k}":"${r.int(1, 99999)}"` : `"${k}":${r() < 0.2 ? 'null' : r.int(0, 9999)}`,
        );
      }
      return quote(`{${parts.join(',')}}`);
    },
  }),
};

// ---------------------------------------------------------------------------------------------------
// Tables. The big ones have Moodle's real columns and a share of the total bytes; the others get a
// column set derived from their name and a small (often zero) row count.
const EVENTS = [
  '\\core\\event\\course_viewed',
  '\\core\\event\\user_loggedin',
  '\\core\\event\\user_loggedout',
  '\\mod_forum\\event\\discussion_viewed',
  '\\mod_forum\\event\\post_created',
  '\\mod_quiz\\event\\attempt_started',
  '\\mod_quiz\\event\\attempt_submitted',
  '\\mod_assign\\event\\submission_status_viewed',
  '\\mod_assign\\event\\assessable_submitted',
  '\\mod_resource\\event\\course_module_viewed',
  '\\mod_page\\event\\course_module_viewed',
  '\\core\\event\\dashboard_viewed',
  '\\gradereport_user\\event\\grade_report_viewed',
  '\\core\\event\\user_profile_viewed',
  '\\mod_url\\event\\course_module_viewed',
  '\\core\\event\\calendar_event_created',
];

function bigTables(scale) {
  const users = () => Math.max(50, Math.round(40000 * scale));
  const courses = () => Math.max(10, Math.round(2500 * scale));
  const contexts = () => Math.max(100, Math.round(120000 * scale));
  const cms = () => Math.max(50, Math.round(60000 * scale));
  const big = (share, columns, keys, comment) => ({ share, columns, keys, comment });
  return {
    mdl_logstore_standard_log: big(
      0.6,
      [
        col.id(),
        {
          name: 'eventname',
          def: `varchar(255) ${COLL} NOT NULL DEFAULT ''`,
          gen: (r) => quote(r.pick(EVENTS)),
        },
        col.enumstr('component', 100, [
          'core',
          'mod_forum',
          'mod_quiz',
          'mod_assign',
          'mod_resource',
          'mod_page',
          'gradereport_user',
          'mod_url',
        ]),
        col.enumstr('action', 100, [
          'viewed',
          'created',
          'loggedin',
          'loggedout',
          'started',
          'submitted',
          'updated',
        ]),
        col.enumstr('target', 100, [
          'course',
          'user',
          'discussion',
          'post',
          'attempt',
          'course_module',
          'submission_status',
          'grade_report',
          'dashboard',
        ]),
        col.enumstr(
          'objecttable',
          50,
          [
            'forum_discussions',
            'forum_posts',
            'quiz_attempts',
            'assign_submission',
            'resource',
            'page',
            'user',
          ],
          true,
        ),
        col.ref('objectid', cms, true),
        col.enumstr('crud', 1, ['r', 'r', 'r', 'c', 'u', 'd']),
        col.small('edulevel', 2),
        col.ref('contextid', contexts),
        col.ref('contextlevel', () => 80),
        col.ref('contextinstanceid', cms),
        col.ref('userid', users),
        col.ref('courseid', courses, true),
        col.ref('relateduserid', users, true),
        col.small('anonymous', 1),
        col.json('other', [
          'courseid',
          'relateduserid',
          'forumid',
          'quizid',
          'attemptid',
          'discussionid',
          'username',
          'sessionid',
        ]),
        {
          name: 'timecreated',
          def: "bigint NOT NULL DEFAULT '0'",
          gen: (_r, id) => String(T0 + Math.floor(id * 37 + (id % 13))),
        },
        col.enumstr('origin', 10, ['web', 'web', 'web', 'ws', 'cli', 'restore'], true),
        {
          name: 'ip',
          def: `varchar(45) ${COLL} DEFAULT NULL`,
          gen: (r) => `'10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}'`,
        },
        col.ref('realuserid', users, true),
      ],
      [
        ['mdl_logsstanlog_tim_ix', ['timecreated']],
        ['mdl_logsstanlog_couanotim_ix', ['courseid', 'anonymous', 'timecreated']],
        [
          'mdl_logsstanlog_useconconcr_ix',
          ['userid', 'contextlevel', 'contextinstanceid', 'crud', 'edulevel', 'timecreated'],
        ],
        ['mdl_logsstanlog_con_ix', ['contextid']],
      ],
      'Standard log table',
    ),
    mdl_question_attempts: big(
      0.04,
      [
        col.id(),
        col.div('questionusageid', 12),
        col.mod('slot', 12),
        col.enumstr('behaviour', 32, [
          'deferredfeedback',
          'interactive',
          'immediatefeedback',
          'manualgraded',
        ]),
        col.ref('questionid', () => 80000 * scale + 10),
        col.ref('variant', () => 5),
        col.dec('maxmark'),
        col.dec('minfraction'),
        col.dec('maxfraction'),
        col.small('flagged', 1),
        col.plain('questionsummary', 60, 600),
        col.plain('rightanswer', 5, 120),
        col.plain('responsesummary', 5, 300),
        col.time('timemodified'),
      ],
      [
        ['mdl_quesatte_queslo_uix', ['questionusageid', 'slot'], true],
        ['mdl_quesatte_beh_ix', ['behaviour']],
        ['mdl_quesatte_que_ix', ['questionid']],
      ],
      'Each row here corresponds to an attempt at one question',
    ),
    mdl_question_attempt_steps: big(
      0.03,
      [
        col.id(),
        col.div('questionattemptid', 3),
        col.mod('sequencenumber', 3),
        col.enumstr('state', 13, [
          'todo',
          'complete',
          'gradedright',
          'gradedwrong',
          'gradedpartial',
          'needsgrading',
          'finished',
        ]),
        col.dec('fraction'),
        col.time('timecreated'),
        col.ref('userid', users, true),
      ],
      [
        ['mdl_quesattestep_queseq_uix', ['questionattemptid', 'sequencenumber'], true],
        ['mdl_quesattestep_use_ix', ['userid']],
      ],
      'Stores one step in in a question attempt',
    ),
    mdl_question_attempt_step_data: big(
      0.03,
      [
        col.id(),
        col.div('attemptstepid', 4),
        col.modpick('name', 32, ['answer', '_order', '-submit', ':sequencecheck']),
        col.plain('value', 1, 200),
      ],
      [['mdl_quesattestepdata_attnam_uix', ['attemptstepid', 'name'], true]],
      'Each question_attempt_step has an associative array of the data',
    ),
    mdl_files: big(
      0.04,
      [
        col.id(),
        col.hash('contenthash'),
        col.hash('pathnamehash'),
        col.ref('contextid', contexts),
        col.enumstr('component', 100, [
          'user',
          'mod_resource',
          'mod_folder',
          'assignsubmission_file',
          'mod_forum',
          'course',
          'backup',
          'question',
        ]),
        col.enumstr('filearea', 50, [
          'draft',
          'content',
          'submission_files',
          'attachment',
          'overviewfiles',
          'private',
          'course',
          'questiontext',
        ]),
        col.ref('itemid', () => 100000),
        col.str('filepath', 255, 1, 1),
        col.str('filename', 255, 1, 3),
        col.ref('userid', users, true),
        col.int('filesize', 50_000_000),
        col.enumstr(
          'mimetype',
          100,
          [
            'application/pdf',
            'image/png',
            'image/jpeg',
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
            'text/plain',
          ],
          true,
        ),
        col.small('status', 1),
        col.plain('source', 5, 80),
        col.str('author', 255, 1, 2),
        col.enumstr('license', 255, ['unknown', 'allrightsreserved', 'cc-4.0', 'public'], true),
        col.time('timecreated'),
        col.time('timemodified'),
        col.int('sortorder', 10),
        col.ref('referencefileid', () => 100, true),
      ],
      [
        ['mdl_file_pat_uix', ['pathnamehash'], true],
        ['mdl_file_comfilconite_ix', ['component', 'filearea', 'contextid', 'itemid']],
        ['mdl_file_con_ix', ['contenthash']],
        ['mdl_file_lic_ix', ['license']],
        ['mdl_file_use_ix', ['userid']],
      ],
      'description of files, content is stored in sha1 file pool',
    ),
    mdl_grade_grades_history: big(
      0.025,
      [
        col.id(),
        col.small('action', 3),
        col.ref('oldid', () => 500000),
        col.enumstr('source', 255, ['mod/quiz', 'mod/assign', 'gradebook', 'aggregation'], true),
        col.time('timemodified'),
        col.ref('loggeduser', users, true),
        col.ref('itemid', () => 50000 * scale + 10),
        col.ref('userid', users),
        col.dec('rawgrade'),
        col.dec('rawgrademax'),
        col.dec('rawgrademin'),
        col.dec('finalgrade'),
        col.small('hidden', 1, 'bigint'),
        col.small('locked', 1, 'bigint'),
        col.small('overridden', 1, 'bigint'),
        col.text('feedback', 10, 400),
        col.small('feedbackformat', 1, 'bigint'),
        col.time('timecreated'),
      ],
      [
        ['mdl_gradgradhist_act_ix', ['action']],
        ['mdl_gradgradhist_tim_ix', ['timemodified']],
        ['mdl_gradgradhist_useite_ix', ['userid', 'itemid']],
        ['mdl_gradgradhist_old_ix', ['oldid']],
      ],
      'History table',
    ),
    mdl_grade_grades: big(
      0.015,
      [
        col.id(),
        col.mod('itemid', 40),
        col.div('userid', 40),
        col.dec('rawgrade'),
        col.dec('rawgrademax'),
        col.dec('rawgrademin'),
        col.dec('finalgrade'),
        col.small('hidden', 1, 'bigint'),
        col.small('locked', 1, 'bigint'),
        col.small('overridden', 1, 'bigint'),
        col.text('feedback', 10, 300),
        col.small('feedbackformat', 1, 'bigint'),
        col.time('timecreated', 0.2),
        col.time('timemodified'),
        col.dec('aggregationweight'),
      ],
      [
        ['mdl_gradgrad_useite_uix', ['userid', 'itemid'], true],
        ['mdl_gradgrad_ite_ix', ['itemid']],
      ],
      'grade_grades  This table keeps individual grades for each user and each item',
    ),
    mdl_forum_posts: big(
      0.03,
      [
        col.id(),
        col.ref('discussion', () => 40000 * scale + 10),
        col.ref('parent', () => 100000 * scale + 10),
        col.ref('userid', users),
        col.time('created'),
        col.time('modified'),
        col.small('mailed', 2),
        col.str('subject', 255, 2, 8),
        col.text('message', 100, 3000, false),
        col.small('messageformat', 4),
        col.small('messagetrust', 1),
        col.str('attachment', 100, 0, 1),
        col.small('totalscore', 3, 'smallint'),
        col.small('mailnow', 1, 'bigint'),
        col.small('deleted', 1),
        col.small('privatereplyto', 0, 'bigint'),
        col.ref('wordcount', () => 800, true),
        col.ref('charcount', () => 5000, true),
      ],
      [
        ['mdl_forupost_use_ix', ['userid']],
        ['mdl_forupost_cre_ix', ['created']],
        ['mdl_forupost_mai_ix', ['mailed']],
        ['mdl_forupost_dis_ix', ['discussion']],
        ['mdl_forupost_par_ix', ['parent']],
      ],
      'All posts are stored in this table',
    ),
    mdl_task_log: big(
      0.02,
      [
        col.id(),
        col.small('type', 1, 'smallint'),
        col.enumstr('component', 255, ['core', 'tool_monitor', 'mod_forum', 'enrol_self']),
        col.enumstr('classname', 255, [
          '\\core\\task\\cache_cleanup_task',
          '\\mod_forum\\task\\cron_task',
          '\\core\\task\\send_new_user_passwords_task',
        ]),
        col.ref('userid', users),
        col.time('timestart'),
        col.time('timeend'),
        col.int('dbreads', 5000),
        col.int('dbwrites', 500),
        col.small('result', 1),
        col.plain('output', 200, 8000),
        col.str('hostname', 255, 1, 1),
        col.int('pid', 99999),
      ],
      [
        ['mdl_tasklog_cla_ix', ['classname']],
        ['mdl_tasklog_tim_ix', ['timestart']],
      ],
      'The log table for all tasks',
    ),
    mdl_backup_controllers: big(
      0.01,
      [
        col.id(),
        col.hash('backupid', 32),
        col.enumstr('operation', 20, ['backup', 'restore']),
        col.enumstr('type', 10, ['course', 'activity', 'section']),
        col.ref('itemid', courses),
        col.enumstr('format', 20, ['moodle2']),
        col.small('interactive', 1, 'smallint'),
        col.small('purpose', 90, 'smallint'),
        col.ref('userid', users),
        col.small('status', 1000, 'smallint'),
        col.small('execution', 2, 'smallint'),
        col.time('executiontime'),
        col.hash('checksum', 32),
        col.time('timecreated'),
        col.time('timemodified'),
        col.dec('progress'),
        col.plain('controller', 20_000, 400_000),
      ],
      [
        ['mdl_backcont_bac_uix', ['backupid'], true],
        ['mdl_backcont_typite_ix', ['type', 'itemid']],
        ['mdl_backcont_useite_ix', ['userid', 'itemid']],
      ],
      'To store the backup_controllers as they are used',
    ),
    mdl_local_filestore_chunk: big(
      0.01,
      [
        col.id(),
        col.hash('contenthash'),
        col.int('chunkno', 64),
        col.blob('content', 512, 32_768),
        col.time('timecreated'),
      ],
      [['mdl_locafilechun_concnk_uix', ['contenthash', 'chunkno'], true]],
      'Binary chunks of small files kept in the database',
    ),
    mdl_notifications: big(
      0.008,
      [
        col.id(),
        col.ref('useridfrom', users),
        col.ref('useridto', users),
        col.str('subject', 255, 3, 10),
        col.text('fullmessage', 50, 1500),
        col.small('fullmessageformat', 4),
        col.text('fullmessagehtml', 50, 1500),
        col.text('smallmessage', 20, 200),
        col.enumstr('component', 100, ['moodle', 'mod_forum', 'mod_assign', 'mod_quiz'], true),
        col.enumstr(
          'eventtype',
          100,
          ['posts', 'assign_notification', 'submission', 'badgerecipientnotice'],
          true,
        ),
        col.text('contexturl', 20, 100),
        col.str('contexturlname', 255, 1, 3),
        col.time('timeread', 0.4),
        col.time('timecreated'),
        col.text('customdata', 10, 200),
      ],
      [
        ['mdl_noti_use_ix', ['useridto']],
        ['mdl_noti_use2_ix', ['useridfrom']],
      ],
      'Stores all notifications',
    ),
    mdl_course_modules_completion: big(
      0.01,
      [
        col.id(),
        col.mod('coursemoduleid', 50),
        col.div('userid', 50),
        col.small('completionstate', 3),
        col.small('overrideby', 0, 'bigint'),
        col.time('timemodified'),
      ],
      [
        ['mdl_courmodicomp_usecou_uix', ['userid', 'coursemoduleid'], true],
        ['mdl_courmodicomp_cou_ix', ['coursemoduleid']],
      ],
      'Stores the completion state (completed or not completed, etc) of each user on each activity.',
    ),
    mdl_assignsubmission_onlinetext: big(
      0.01,
      [
        col.id(),
        col.ref('assignment', () => 6000 * scale + 10),
        col.ref('submission', () => 80000 * scale + 10),
        col.text('onlinetext', 200, 6000),
        col.small('onlineformat', 4, 'smallint'),
      ],
      [
        ['mdl_assionli_ass_ix', ['assignment']],
        ['mdl_assionli_sub_ix', ['submission']],
      ],
      'Info about onlinetext submission',
    ),
    mdl_messages: big(
      0.006,
      [
        col.id(),
        col.ref('useridfrom', users),
        col.ref('conversationid', () => 30000 * scale + 10),
        col.str('subject', 255, 0, 6),
        col.text('fullmessage', 20, 800),
        col.small('fullmessageformat', 4),
        col.text('fullmessagehtml', 20, 800),
        col.text('smallmessage', 10, 200),
        col.time('timecreated'),
        col.text('fullmessagetrust', 0, 2),
        col.text('customdata', 10, 100),
      ],
      [
        ['mdl_mess_contim_ix', ['conversationid', 'timecreated']],
        ['mdl_mess_use_ix', ['useridfrom']],
      ],
      'Stores all messages',
    ),
    mdl_user: big(
      0.008,
      [
        col.id(),
        col.enumstr('auth', 20, ['manual', 'saml2', 'ldap', 'oauth2']),
        col.small('confirmed', 1),
        col.small('policyagreed', 1),
        col.small('deleted', 1),
        col.small('suspended', 1),
        col.ref('mnethostid', () => 1),
        {
          name: 'username',
          def: `varchar(100) ${COLL} NOT NULL DEFAULT ''`,
          gen: (_r, id) => `'user${id}'`,
        },
        col.hash('password', 60),
        col.str('idnumber', 255, 0, 1),
        col.str('firstname', 100, 1, 1),
        col.str('lastname', 100, 1, 1),
        {
          name: 'email',
          def: `varchar(100) ${COLL} NOT NULL DEFAULT ''`,
          gen: (_r, id) => `'user${id}@example.ac.uk'`,
        },
        col.small('emailstop', 1),
        col.str('phone1', 20, 0, 1),
        col.str('institution', 255, 1, 3),
        col.str('department', 255, 1, 3),
        col.str('address', 255, 1, 5),
        col.str('city', 120, 1, 1),
        col.enumstr('country', 2, ['GB', 'FR', 'DE', 'CN', 'IN', 'US', 'GR']),
        col.enumstr('lang', 30, ['en', 'en', 'fr', 'de', 'zh_cn']),
        col.str('theme', 50, 0, 0),
        col.str('timezone', 100, 1, 1),
        col.time('firstaccess', 0.2),
        col.time('lastaccess', 0.2),
        col.time('lastlogin', 0.2),
        col.time('currentlogin', 0.2),
        col.str('lastip', 45, 1, 1),
        col.hash('secret', 15),
        col.ref('picture', () => 100000),
        col.text('description', 0, 600),
        col.small('descriptionformat', 4),
        col.small('mailformat', 1),
        col.small('maildigest', 2),
        col.small('maildisplay', 2),
        col.small('autosubscribe', 1),
        col.small('trackforums', 1),
        col.time('timecreated'),
        col.time('timemodified'),
        col.small('trustbitmask', 0, 'bigint'),
        col.str('imagealt', 255, 0, 2),
        col.str('alternatename', 255, 0, 1),
      ],
      [
        ['mdl_user_mneuse_uix', ['mnethostid', 'username'], true],
        ['mdl_user_fir_ix', ['firstname']],
        ['mdl_user_las_ix', ['lastname']],
        ['mdl_user_ema_ix', ['email']],
        ['mdl_user_del_ix', ['deleted']],
        ['mdl_user_idn_ix', ['idnumber']],
        ['mdl_user_las2_ix', ['lastaccess']],
      ],
      'One record for each person',
    ),
    mdl_sessions: big(
      0.005,
      [
        col.id(),
        col.small('state', 1, 'bigint'),
        col.hash('sid', 128),
        col.ref('userid', users),
        col.plain('sessdata', 200, 4000),
        col.time('timecreated'),
        col.time('timemodified'),
        col.str('firstip', 45, 1, 1),
        col.str('lastip', 45, 1, 1),
      ],
      [
        ['mdl_sess_sid_uix', ['sid'], true],
        ['mdl_sess_sta_ix', ['state']],
        ['mdl_sess_tim_ix', ['timecreated']],
        ['mdl_sess_tim2_ix', ['timemodified']],
        ['mdl_sess_use_ix', ['userid']],
      ],
      'Database based session storage - now recommended',
    ),
    mdl_context: big(
      0.004,
      [
        col.id(),
        col.ref('contextlevel', () => 80),
        { name: 'instanceid', def: "bigint NOT NULL DEFAULT '0'", gen: (_r, id) => String(id) },
        {
          name: 'path',
          def: `varchar(255) ${COLL} DEFAULT NULL`,
          gen: (r, id) => `'/1/${r.int(2, 3000)}/${id}'`,
        },
        col.small('depth', 6),
        col.small('locked', 1),
      ],
      [
        ['mdl_cont_conins_uix', ['contextlevel', 'instanceid'], true],
        ['mdl_cont_ins_ix', ['instanceid']],
        ['mdl_cont_pat_ix', ['path']],
      ],
      'one of these must be set',
    ),
    mdl_user_enrolments: big(
      0.004,
      [
        col.id(),
        col.small('status', 1, 'bigint'),
        col.mod('enrolid', 8),
        col.div('userid', 8),
        col.time('timestart', 0.5),
        col.time('timeend', 0.8),
        col.ref('modifierid', users),
        col.time('timecreated'),
        col.time('timemodified'),
      ],
      [
        ['mdl_userenro_enruse_uix', ['enrolid', 'userid'], true],
        ['mdl_userenro_enr_ix', ['enrolid']],
        ['mdl_userenro_use_ix', ['userid']],
        ['mdl_userenro_mod_ix', ['modifierid']],
      ],
      'Users participating in courses (aka enrolled users) - everybody who is participating/visible in course',
    ),
    mdl_user_preferences: big(
      0.004,
      [
        col.id(),
        col.div('userid', 7),
        col.modpick('name', 255, [
          'email_bounce_count',
          'auth_forcepasswordchange',
          'login_failed_count',
          'drawer-open-nav',
          'block_myoverview_user_sort_preference',
          'htmleditor',
          'message_provider_moodle_notices_enabled',
        ]),
        col.str('value', 1333, 1, 2),
      ],
      [['mdl_userpref_usenam_uix', ['userid', 'name'], true]],
      'Allows modules to store arbitrary user preferences',
    ),
    mdl_course_modules: big(
      0.003,
      [
        col.id(),
        col.ref('course', courses),
        col.ref('module', () => 25),
        col.ref('instance', () => 50000),
        col.ref('section', () => 20000),
        col.str('idnumber', 100, 0, 1),
        col.time('added'),
        col.small('score', 1, 'smallint'),
        col.small('indent', 5, 'int'),
        col.small('visible', 1),
        col.small('visibleoncoursepage', 1),
        col.small('visibleold', 1),
        col.small('groupmode', 2, 'smallint'),
        col.ref('groupingid', () => 100),
        col.small('completion', 2),
        col.ref('completiongradeitemnumber', () => 2, true),
        col.small('completionview', 1),
        col.time('completionexpected', 0.9),
        col.small('showdescription', 1),
        col.text('availability', 20, 200),
        col.small('deletioninprogress', 1),
        col.small('downloadcontent', 1),
        col.str('lang', 30, 0, 0),
      ],
      [
        ['mdl_courmodu_vis_ix', ['visible']],
        ['mdl_courmodu_cou_ix', ['course']],
        ['mdl_courmodu_mod_ix', ['module']],
        ['mdl_courmodu_ins_ix', ['instance']],
        ['mdl_courmodu_idncou_ix', ['idnumber', 'course']],
        ['mdl_courmodu_gro_ix', ['groupingid']],
      ],
      'course_modules table retrofitted from MySQL',
    ),
    mdl_role_assignments: big(
      0.003,
      [
        col.id(),
        col.ref('roleid', () => 8),
        col.ref('contextid', contexts),
        col.ref('userid', users),
        col.time('timemodified'),
        col.ref('modifierid', users),
        col.enumstr('component', 100, ['', '', 'enrol_cohort', 'enrol_meta']),
        col.ref('itemid', () => 500),
        col.int('sortorder', 0),
      ],
      [
        ['mdl_roleassi_sor_ix', ['sortorder']],
        ['mdl_roleassi_rolcon_ix', ['roleid', 'contextid']],
        ['mdl_roleassi_useconrol_ix', ['userid', 'contextid', 'roleid']],
        ['mdl_roleassi_comiteuse_ix', ['component', 'itemid', 'userid']],
        ['mdl_roleassi_rol_ix', ['roleid']],
        ['mdl_roleassi_con_ix', ['contextid']],
        ['mdl_roleassi_use_ix', ['userid']],
      ],
      'assigning roles in different context',
    ),
    mdl_event: big(
      0.005,
      [
        col.id(),
        col.str('name', 1333, 2, 6),
        col.text('description', 20, 800, false),
        col.small('format', 4, 'smallint'),
        col.ref('categoryid', () => 200),
        col.ref('courseid', courses),
        col.ref('groupid', () => 1000),
        col.ref('userid', users),
        col.ref('repeatid', () => 100),
        col.enumstr('component', 100, ['mod_assign', 'mod_quiz', 'mod_forum'], true),
        col.enumstr('modulename', 20, ['assign', 'quiz', 'forum', '0']),
        col.ref('instance', () => 50000),
        col.small('type', 1, 'smallint'),
        col.enumstr('eventtype', 20, ['due', 'open', 'close', 'course', 'user', 'site']),
        col.time('timestart'),
        col.int('timeduration', 86400),
        col.time('timesort', 0.2),
        col.small('visible', 1, 'smallint'),
        col.hash('uuid', 36),
        col.small('sequence', 3, 'bigint'),
        col.time('timemodified'),
        col.ref('subscriptionid', () => 10, true),
        col.small('priority', 3, 'bigint'),
        col.text('location', 0, 60),
      ],
      [
        ['mdl_even_cou_ix', ['courseid']],
        ['mdl_even_use_ix', ['userid']],
        ['mdl_even_tim_ix', ['timestart']],
        ['mdl_even_tim2_ix', ['timeduration']],
        ['mdl_even_uui_ix', ['uuid']],
        ['mdl_even_typtim_ix', ['type', 'timesort']],
        ['mdl_even_grocoucatvisuse_ix', ['groupid', 'courseid', 'categoryid', 'visible', 'userid']],
      ],
      'For everything with a time associated to it',
    ),
  };
}

// The rest of a Moodle 4.x site's tables, each with a column set derived from its name.
const OTHER_TABLES = `
adminpresets adminpresets_app adminpresets_app_it adminpresets_app_it_a adminpresets_app_plug adminpresets_it
adminpresets_it_a adminpresets_plug analytics_indicator_calc analytics_models analytics_models_log
analytics_predict_samples analytics_prediction_actions analytics_predictions analytics_train_samples
analytics_used_analysables analytics_used_files assign assign_grades assign_overrides assign_plugin_config
assign_submission assign_user_flags assign_user_mapping assignfeedback_comments assignfeedback_editpdf_annot
assignfeedback_editpdf_cmnt assignfeedback_editpdf_quick assignfeedback_editpdf_rot assignfeedback_file
assignsubmission_file auth_lti_linked_login auth_oauth2_linked_login backup_courses backup_logs badge
badge_alignment badge_backpack badge_backpack_oauth2 badge_criteria badge_criteria_met badge_criteria_param
badge_endorsement badge_external badge_external_backpack badge_external_identifier badge_issued
badge_manual_award badge_related bigbluebuttonbn bigbluebuttonbn_logs bigbluebuttonbn_recordings block
block_instances block_positions block_recent_activity block_recentlyaccesseditems block_rss_client
blog_association blog_external book book_chapters cache_filters cache_flags capabilities chat chat_messages
chat_messages_current chat_users choice choice_answers choice_options cohort cohort_members comments
competency competency_coursecomp competency_coursecompsetting competency_evidence competency_framework
competency_modulecomp competency_plan competency_plancomp competency_relatedcomp competency_template
competency_templatecohort competency_templatecomp competency_usercomp competency_usercompcourse
competency_usercompplan competency_userevidence competency_userevidencecomp config config_log config_plugins
contentbank_content context_temp course course_categories course_completion_aggr_methd
course_completion_crit_compl course_completion_criteria course_completion_defaults course_completions
course_format_options course_modules_viewed course_published course_request course_sections
customfield_category customfield_data customfield_field data data_content data_fields data_records
editor_atto_autosave enrol enrol_flatfile enrol_lti_app_registration enrol_lti_context enrol_lti_deployment
enrol_lti_lti2_consumer enrol_lti_lti2_context enrol_lti_lti2_nonce enrol_lti_lti2_resource_link
enrol_lti_lti2_share_key enrol_lti_lti2_tool_proxy enrol_lti_lti2_user_result enrol_lti_resource_link
enrol_lti_tool_consumer_map enrol_lti_tools enrol_lti_user_resource_link enrol_lti_users enrol_paypal
event_subscriptions events_handlers events_queue events_queue_handlers external_functions external_services
external_services_functions external_services_users external_tokens favourite feedback feedback_completed
feedback_completedtmp feedback_item feedback_sitecourse_map feedback_template feedback_value feedback_valuetmp
file_conversion files_reference filter_active filter_config folder forum forum_digests forum_discussion_subs
forum_discussions forum_grades forum_queue forum_read forum_subscriptions forum_track_prefs glossary
glossary_alias glossary_categories glossary_entries glossary_entries_categories glossary_formats
grade_categories grade_categories_history grade_import_newitem grade_import_values grade_items
grade_items_history grade_letters grade_outcomes grade_outcomes_courses grade_outcomes_history grade_settings
grading_areas grading_definitions grading_instances gradingform_guide_comments gradingform_guide_criteria
gradingform_guide_fillings gradingform_rubric_criteria gradingform_rubric_fillings gradingform_rubric_levels
groupings groupings_groups groups groups_members h5p h5p_contents_libraries h5p_libraries
h5p_libraries_cachedassets h5p_library_dependencies h5pactivity h5pactivity_attempts
h5pactivity_attempts_results imscp infected_files label lesson lesson_answers lesson_attempts lesson_branch
lesson_grades lesson_overrides lesson_pages lesson_timer license lock_db log log_display log_queries lti
lti_access_tokens lti_submission lti_tool_proxies lti_tool_settings lti_types lti_types_config
lti_types_categories ltiservice_gradebookservices message message_airnotifier_devices
message_contact_requests message_contacts message_conversation_actions message_conversation_members
message_conversations message_email_messages message_popup message_popup_notifications message_processors
message_providers message_read message_user_actions message_users_blocked messageinbound_datakeys
messageinbound_handlers messageinbound_messagelist mnet_application mnet_host mnet_host2service mnet_log
mnet_remote_rpc mnet_remote_service2rpc mnet_rpc mnet_service mnet_service2rpc mnet_session
mnet_sso_access_control mnetservice_enrol_courses mnetservice_enrol_enrolments modules my_pages
oauth2_access_token oauth2_endpoint oauth2_issuer oauth2_refresh_token oauth2_system_account
oauth2_user_field_mapping page paygw_paypal payment_accounts payment_gateways payments portfolio_instance
portfolio_instance_config portfolio_instance_user portfolio_log portfolio_mahara_queue portfolio_tempdata post
profiling qtype_ddimageortext qtype_ddimageortext_drags qtype_ddimageortext_drops qtype_ddmarker
qtype_ddmarker_drags qtype_ddmarker_drops qtype_essay_options qtype_match_options qtype_match_subquestions
qtype_multichoice_options qtype_randomsamatch_options qtype_shortanswer_options question question_answers
question_bank_entries question_calculated question_calculated_options question_categories
question_dataset_definitions question_dataset_items question_datasets question_ddwtos question_gapselect
question_hints question_multianswer question_numerical question_numerical_options question_numerical_units
question_references question_response_analysis question_response_count question_set_references
question_statistics question_truefalse question_usages question_versions quiz quiz_attempts quiz_feedback
quiz_grades quiz_overrides quiz_overview_regrades quiz_reports quiz_sections quiz_slots quiz_statistics
quizaccess_seb_quizsettings quizaccess_seb_template rating registration_hubs reportbuilder_audience
reportbuilder_column reportbuilder_condition reportbuilder_filter reportbuilder_report reportbuilder_schedule
repository repository_instance_config repository_instances repository_onedrive_access resource resource_old
role role_allow_assign role_allow_override role_allow_switch role_allow_view role_capabilities
role_context_levels role_names scale scale_history scorm scorm_aicc_session scorm_scoes scorm_scoes_data
scorm_scoes_track scorm_seq_mapinfo scorm_seq_objective scorm_seq_rolluprule scorm_seq_rolluprulecond
scorm_seq_rulecond scorm_seq_ruleconds search_index_requests search_simpledb_index stats_daily stats_monthly
stats_user_daily stats_user_monthly stats_user_weekly stats_weekly survey survey_analysis survey_answers
survey_questions tag tag_area tag_coll tag_correlation tag_instance task_adhoc task_scheduled
tool_brickfield_areas tool_brickfield_cache_acts tool_brickfield_cache_check tool_brickfield_checks
tool_brickfield_content tool_brickfield_errors tool_brickfield_process tool_brickfield_results
tool_brickfield_schedule tool_brickfield_summary tool_cohortroles tool_customlang tool_customlang_components
tool_dataprivacy_category tool_dataprivacy_ctxexpired tool_dataprivacy_ctxinstance tool_dataprivacy_ctxlevel
tool_dataprivacy_purpose tool_dataprivacy_purposerole tool_dataprivacy_request tool_dataprivacy_rqst_ctxlst
tool_monitor_events tool_monitor_history tool_monitor_rules tool_monitor_subscriptions tool_policy
tool_policy_acceptances tool_policy_versions tool_recyclebin_category tool_recyclebin_course
tool_usertours_steps tool_usertours_tours upgrade_log url user_devices user_info_category user_info_data
user_info_field user_lastaccess user_password_history user_password_resets user_private_key wiki wiki_links
wiki_locks wiki_pages wiki_subwikis wiki_synonyms wiki_versions workshop workshop_aggregations
workshop_assessments workshop_grades workshop_submissions workshopallocation_scheduled
workshopeval_best_settings workshopform_accumulative workshopform_comments workshopform_numerrors
workshopform_numerrors_map workshopform_rubric workshopform_rubric_config workshopform_rubric_levels
xapi_states course_info_field customcert customcert_elements customcert_issues customcert_pages
customcert_templates attendance attendance_log attendance_sessions attendance_statuses attendance_tempusers
attendance_warning attendance_warning_done turnitintooltwo turnitintooltwo_courses turnitintooltwo_parts
turnitintooltwo_submissions turnitintooltwo_users questionnaire questionnaire_quest_choice
questionnaire_question questionnaire_resp_multiple questionnaire_resp_single questionnaire_response
questionnaire_response_text questionnaire_survey hvp hvp_auth hvp_content_user_data hvp_contents_libraries
hvp_counters hvp_events hvp_libraries hvp_libraries_cachedassets hvp_libraries_languages
hvp_libraries_libraries hvp_tmpfiles hvp_xapi_results local_portico_courses local_portico_enrolments
local_portico_log tool_objectfs_objects tool_objectfs_reports tool_objectfs_report_data
block_xp block_xp_config block_xp_filters block_xp_log checklist checklist_check checklist_comment
checklist_item scheduler scheduler_appointment scheduler_slots journal journal_entries hotpot
hotpot_attempts hotpot_cache hotpot_questions hotpot_responses hotpot_strings zoom zoom_meeting_details
zoom_meeting_participants panopto_foldermap panopto_auth_url openai_chat_log logstore_lanalytics_log
`
  .trim()
  .split(/\s+/)
  .map((n) => `mdl_${n}`);

/** Columns for a table known only by name: id, then some of Moodle's usual column shapes. */
function derivedColumns(name, r, scale) {
  const users = () => Math.max(50, Math.round(40000 * scale));
  const courses = () => Math.max(10, Math.round(2500 * scale));
  const pool = [
    () => col.ref('course', courses),
    () => col.ref('userid', users),
    () => col.ref('contextid', () => 100000),
    () => col.str('name', 255, 1, 5),
    () => col.text('intro', 20, 600),
    () => col.small('introformat', 4, 'smallint'),
    () => col.time('timecreated'),
    () => col.time('timemodified'),
    () => col.int('sortorder', 100),
    () => col.small('visible', 1),
    () => col.str('idnumber', 100, 0, 1),
    () => col.plain('value', 1, 120),
    () => col.dec('grade'),
    () => col.small('status', 5, 'smallint'),
    () => col.enumstr('component', 100, ['core', 'mod_assign', 'mod_quiz', 'block_xp', 'tool_monitor']),
    () => col.ref('itemid', () => 50000),
    () => col.json('configdata', ['enabled', 'limit', 'mode']),
    () => col.hash('hash', 40),
  ];
  const columns = [col.id()];
  const seen = new Set(['id']);
  for (let i = 0, n = r.int(3, 10); i < n; i++) {
    const c = r.pick(pool)();
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    columns.push(c);
  }
  const short = name.replace(/^mdl_/, '').replace(/_/g, '').slice(0, 10);
  const keys = columns
    .filter((c) => /^(course|userid|contextid|itemid|timecreated|name|idnumber)$/.test(c.name))
    .slice(0, 3)
    .map((c) => [`mdl_${short}_${c.name.slice(0, 3)}_ix`, [c.name]]);
  return { columns, keys };
}

/** Every table with its columns, keys and how much data it gets, for the given total size. */
export function moodleSchema({ bytes, tables = 480, seed = 1 }) {
  const scale = bytes / 1e9;
  const big = bigTables(scale);
  const names = [...Object.keys(big), ...OTHER_TABLES].slice(0, tables);
  // When more tables are asked for than Moodle names listed, further plugin tables fill the gap.
  for (let i = 0; names.length < tables; i++) names.push(`mdl_local_plugin${i}_data`);
  const r = rng(seed ^ 0x5eed);
  return names.sort().map((name) => {
    const spec = big[name];
    if (spec) return { name, ...spec, budget: Math.round(spec.share * bytes) };
    const tr = rng(hashName(name) ^ seed);
    const { columns, keys } = derivedColumns(name, tr, scale);
    // 45 % of the small tables are empty; the others hold 1–~5000 rows (scaled), log-uniformly.
    const rows =
      r() < 0.45 ? 0 : Math.max(1, Math.round(Math.exp(r() * Math.log(5000)) * Math.min(1, scale * 4)));
    const comment = name === 'mdl_config' ? 'Moodle configuration variables' : '';
    return { name, columns, keys, comment, rows };
  });
}

function createTable(t, style) {
  const lines = t.columns.map((c) => {
    // MariaDB's SHOW CREATE TABLE keeps display widths and writes DEFAULT NULL for nullable texts.
    let def = c.def;
    if (style === 'mariadb') {
      def = def
        .replace(/^bigint/, 'bigint(10)')
        .replace(/^tinyint/, 'tinyint(2)')
        .replace(/^smallint/, 'smallint(4)')
        .replace(/^int /, 'int(11) ');
      if (/^long(text|blob)/.test(def) && !/NOT NULL/.test(def)) def += ' DEFAULT NULL';
    }
    return `  \`${c.name}\` ${def}`;
  });
  lines.push('  PRIMARY KEY (`id`)');
  for (const [kname, cols, unique] of t.keys) {
    lines.push(`  ${unique ? 'UNIQUE KEY' : 'KEY'} \`${kname}\` (${cols.map((c) => `\`${c}\``).join(',')})`);
  }
  const comment = t.comment ? ` COMMENT='${t.comment.replace(/'/g, "''")}'` : '';
  return `CREATE TABLE \`${t.name}\` (\n${lines.join(',\n')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC${comment};\n`;
}

const MYSQL_HEADER = `-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: moodle-prod.cluster-example.eu-west-2.rds.amazonaws.com    Database: moodle
-- ------------------------------------------------------
-- Server version\t8.0.32

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
`;

const MARIADB_HEADER = `/*M!999999\\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: moodle
-- ------------------------------------------------------
-- Server version\t10.11.6-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
`;

const TRAILER = `/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2026-01-05  2:00:01
`;

/**
 * Writes the dump to `out` (gzip'd when it ends in .gz). Resolves to { bytes (SQL, uncompressed),
 * tables, rows (total), rowsByTable }.
 */
export async function generateDump({
  out,
  bytes = 1.1e9,
  tables = 480,
  seed = 1,
  style = 'mysql',
  gzipLevel = 6,
}) {
  if (style !== 'mysql' && style !== 'mariadb')
    throw new Error(`style must be mysql or mariadb, not ${style}`);
  const schema = moodleSchema({ bytes, tables, seed });
  const file = createWriteStream(out);
  const gz = out.endsWith('.gz')
    ? createGzip({ level: gzipLevel, memLevel: 9, chunkSize: 1 << 20 })
    : undefined;
  if (gz) gz.pipe(file);
  const sink = gz ?? file;
  const done = new Promise((resolve, reject) => {
    file.once('finish', resolve);
    file.once('error', reject);
    gz?.once('error', reject);
  });

  let written = 0;
  let pending = [];
  let pendingLength = 0;
  const flush = async () => {
    if (!pendingLength) return;
    const buf = Buffer.from(pending.join(''), 'latin1');
    pending = [];
    pendingLength = 0;
    written += buf.length;
    if (!sink.write(buf)) await new Promise((resolve) => sink.once('drain', resolve));
  };
  const emit = async (s) => {
    pending.push(s);
    pendingLength += s.length;
    if (pendingLength >= 1 << 20) await flush();
  };

  await emit(style === 'mysql' ? MYSQL_HEADER : MARIADB_HEADER);
  const rowsByTable = {};
  let totalRows = 0;
  for (const t of schema) {
    const tableStart = written + pendingLength;
    await emit(
      `\n--\n-- Table structure for table \`${t.name}\`\n--\n\nDROP TABLE IF EXISTS \`${t.name}\`;\n` +
        `/*!40101 SET @saved_cs_client     = @@character_set_client */;\n` +
        `/*!${style === 'mysql' ? '50503' : '40101'} SET character_set_client = utf8mb4 */;\n` +
        createTable(t, style) +
        `/*!40101 SET character_set_client = @saved_cs_client */;\n`,
    );
    const r = rng(hashName(t.name) ^ (seed * 7919));
    const gens = t.columns.map((c) => c.gen);
    const budget = t.budget;
    const maxRows = t.rows;
    const more = (id) =>
      budget !== undefined ? written + pendingLength - tableStart < budget : id <= maxRows;
    let id = 1;
    if (more(1)) {
      await emit(
        `\n--\n-- Dumping data for table \`${t.name}\`\n--\n\nLOCK TABLES \`${t.name}\` WRITE;\n` +
          `/*!40000 ALTER TABLE \`${t.name}\` DISABLE KEYS */;\n`,
      );
      const head =
        style === 'mysql' ? `INSERT INTO \`${t.name}\` VALUES ` : `INSERT INTO \`${t.name}\` VALUES\n`;
      const sep = style === 'mysql' ? ',' : ',\n';
      let stmt = 0; // length of the open statement, 0 when none is open
      for (; more(id); id++) {
        let row = '(' + gens[0](r, id);
        for (let i = 1; i < gens.length; i++) row += ',' + gens[i](r, id);
        row += ')';
        if (stmt && stmt + row.length + 1 > NET_BUFFER_LENGTH) {
          await emit(';\n');
          stmt = 0;
        }
        if (!stmt) {
          await emit(head + row);
          stmt = head.length + row.length;
        } else {
          await emit(sep + row);
          stmt += sep.length + row.length;
        }
      }
      if (stmt) await emit(';\n');
      await emit(`/*!40000 ALTER TABLE \`${t.name}\` ENABLE KEYS */;\nUNLOCK TABLES;\n`);
    }
    rowsByTable[t.name] = id - 1;
    totalRows += id - 1;
  }
  await emit(TRAILER);
  await flush();
  sink.end();
  await done;
  return { bytes: written, tables: schema.length, rows: totalRows, rowsByTable };
}

// Command line.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args.splice(i, 2)[1] : fallback;
  };
  const bytes = Number(opt('bytes', 1.1e9));
  const seed = Number(opt('seed', 1));
  const style = opt('style', 'mysql');
  const tables = Number(opt('tables', 480));
  const out = args[0];
  if (!out) {
    process.stderr.write(
      'usage: node bench/restore/generate.mjs [--bytes N] [--seed S] [--style mysql|mariadb] [--tables N] OUT.sql[.gz]\n',
    );
    process.exit(2);
  }
  const started = Date.now();
  const r = await generateDump({ out, bytes, seed, style, tables });
  process.stdout.write(
    `${out}: ${r.tables} tables, ${r.rows} rows, ${r.bytes} bytes of SQL in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
