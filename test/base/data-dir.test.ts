import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultFeedbackPath, userDataDir } from '../../src/base/data-dir.js';

test('the data directory is per user: $ARXIV_CLASSIFIER_DATA, else $XDG_DATA_HOME/arxiv-classifier, else ~/.local/share/arxiv-classifier', () => {
  assert.equal(userDataDir({ ARXIV_CLASSIFIER_DATA: '/srv/axc', XDG_DATA_HOME: '/x' }), '/srv/axc');
  assert.equal(userDataDir({ XDG_DATA_HOME: '/home/u/.data' }), '/home/u/.data/arxiv-classifier');
  // A relative XDG_DATA_HOME is invalid (XDG spec): ignored, never resolved against the current directory.
  assert.equal(userDataDir({ XDG_DATA_HOME: 'rel' }, 'linux'), join(homedir(), '.local', 'share', 'arxiv-classifier'));
  assert.equal(userDataDir({}, 'linux'), join(homedir(), '.local', 'share', 'arxiv-classifier'));
  assert.equal(userDataDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32'), join('C:\\Users\\u\\AppData\\Local', 'arxiv-classifier'));
  assert.equal(defaultFeedbackPath({ XDG_DATA_HOME: '/d' }), '/d/arxiv-classifier/feedback.sqlite');
  assert.ok(!defaultFeedbackPath({}).startsWith(process.cwd() + '/feedback'), 'the default is not the current directory');
});
