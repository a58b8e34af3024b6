// How the tests' one-off task runners read a stopped task's log: every 5 ms, a log without its end
// line done after 50 ms quiet, an end line that never comes given up after 200 ms (on AWS: 1 s,
// 5 s and 30 s). The fake delivers lines at once unless a test sets `logs.deliveryDelayMs`.
export const TEST_TASK_LOGS = { logPollMs: 5, logQuietMs: 50, logGraceMs: 200 } as const;
