// Entry point of the bundle, for the main step and the post step alike (the post runs the same file
// with the state the main step saved): all logic is in main.ts and post.ts so tests can import it.
import { getState } from '@actions/core';
import { run } from './main.js';
import { post } from './post.js';

await (getState('isPost') === 'true' ? post() : run());
