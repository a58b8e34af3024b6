// Entry point of the bundle, for the main step and the post step alike (the post runs the same file
// with the state the main step saved): all logic is in main.ts and post.ts so tests can import it.
import { runner } from '@moodle-preview/core';
import { run } from './main.js';
import { post } from './post.js';

await (runner.getState('isPost') === 'true' ? post() : run());
